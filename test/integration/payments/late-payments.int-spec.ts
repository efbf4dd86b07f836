import { CancellationService } from '../../../apps/cancel-service/src/cancellation/cancellation.service';
import { CancelServiceModule } from '../../../apps/cancel-service/src/cancel-service.module';
import { eventually } from '../../support/eventually';
import { PaymentStack } from '../../support/payment-stack';
import { InProcessService } from '../../support/risk-gateways';

// The saga's compensation: money that arrives for an order the shop no longer holds goes back, once.
describe('payments: a late payment is refunded (real provider, cancel-service, PostgreSQL, Kafka)', () => {
  let stack: PaymentStack;
  let cancelService: InProcessService;
  let activityId: number;

  beforeAll(async () => {
    stack = await PaymentStack.start();
    cancelService = await InProcessService.start(CancelServiceModule, 'cancel-service');
    activityId = await stack.fixtures.activity(100);
  });
  afterAll(async () => {
    await cancelService?.close();
    await stack?.close();
  });
  afterEach(() => stack.resetSwitches());

  const cancel = (ids: string[]) => cancelService.get(CancellationService).cancelMany(ids, 'timeout');
  const refundsAtProvider = async (paymentId: string) => (await stack.statementOf(paymentId))!.refunds.length;

  it('when the buyer pays after the cancellation, then the payment is refunded exactly once and the order says so', async () => {
    await stack.switches({ duplicateCallbacks: true }); // every callback twice, the refund's too
    const order = await stack.fixtures.order(activityId, { expiresAt: Date.now() + 1_000 });
    const { body: payment } = await stack.startPayment(order.id, order.userId);
    await eventually(async () => (await cancel([order.id])).get(order.id)?.result === 'cancelled');
    await stack.complete(payment); // the bank says yes, too late

    await eventually(async () => (await stack.payments(order.id))[0]?.status === 'REFUNDED');
    expect(await stack.orderRow(order.id)).toEqual({ status: 'CANCELLED', payment_id: null });
    expect(await refundsAtProvider(payment.paymentId)).toBe(1);
    const view = await stack.order(order.id, order.userId);
    expect(view.body).toMatchObject({
      status: 'CANCELLED',
      payments: [{ id: payment.paymentId, status: 'REFUNDED', refundReason: 'ORDER_NOT_PAYABLE' }],
    });
    await eventually(() => stack.eventTypes(order.id).includes('PAYMENT_REFUNDED'));
    await stack.events.caughtUp();
    expect(stack.eventTypes(order.id)).toEqual(
      expect.arrayContaining(['ORDER_CANCELLED', 'PAYMENT_REFUND_REQUESTED', 'PAYMENT_REFUNDED']),
    );
    expect(stack.eventTypes(order.id).filter((t) => t === 'PAYMENT_REFUNDED')).toHaveLength(1);
    expect(stack.eventTypes(order.id)).not.toContain('ORDER_PAID');
  });

  it('when the provider refuses refunds for a while, then the refund is asked again until it is confirmed, once', async () => {
    const order = await stack.fixtures.order(activityId, { expiresAt: Date.now() + 1_000 });
    const { body: payment } = await stack.startPayment(order.id, order.userId);
    await eventually(async () => (await cancel([order.id])).get(order.id)?.result === 'cancelled');
    await stack.switches({ failRefunds: true });
    await stack.complete(payment);
    await eventually(async () => {
      const [row] = await stack.db.query('SELECT refund_attempts FROM payments WHERE id = $1', [
        payment.paymentId,
      ]);
      return row.refund_attempts >= 2;
    });
    expect((await stack.payments(order.id))[0].status).toBe('REFUND_PENDING');
    expect(await refundsAtProvider(payment.paymentId)).toBe(0);
    await stack.switches({ failRefunds: false });
    await eventually(async () => (await stack.payments(order.id))[0]?.status === 'REFUNDED', {
      timeoutMs: 20_000,
    });
    expect(await refundsAtProvider(payment.paymentId)).toBe(1);
  });

  it('when pay and cancel race at expires_at with the callback as the payer, then each order is PAID or CANCELLED and refunded', async () => {
    const expiresAt = Date.now() + 2_500;
    const orders = await Promise.all(
      Array.from({ length: 20 }, () => stack.fixtures.order(activityId, { expiresAt })),
    );
    await stack.switches({ holdCallbacks: true });
    const payments = new Map<string, string>();
    for (const order of orders) {
      const { body } = await stack.startPayment(order.id, order.userId);
      await stack.complete(body);
      payments.set(order.id, body.paymentId);
    }
    // Released around expires_at, one after another, while the cancellation runs again and again.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now() - 30)));
    await stack.switches({ holdCallbacks: false });
    const ids = orders.map((o) => o.id);
    await eventually(async () => {
      await cancel(ids);
      const rows = await Promise.all(ids.map((id) => stack.orderRow(id)));
      return rows.every((r) => r.status !== 'PENDING');
    });
    await eventually(
      async () => {
        const all = await Promise.all(ids.map((id) => stack.payments(id)));
        return all.every(([p]) => p && (p.status === 'CAPTURED' || p.status === 'REFUNDED'));
      },
      { timeoutMs: 20_000 },
    );
    let paid = 0;
    let refunded = 0;
    for (const order of orders) {
      const row = await stack.orderRow(order.id);
      const [payment] = await stack.payments(order.id);
      const refunds = await refundsAtProvider(payments.get(order.id)!);
      if (row.status === 'PAID') {
        paid++;
        expect([row.payment_id, payment.status, refunds]).toEqual([payments.get(order.id), 'CAPTURED', 0]);
      } else {
        refunded++;
        expect([row.status, payment.status, refunds]).toEqual(['CANCELLED', 'REFUNDED', 1]);
      }
    }
    // Which side wins each order depends on the instant; both answers are legitimate, never both.
    expect(paid + refunded).toBe(orders.length);
  });
});
