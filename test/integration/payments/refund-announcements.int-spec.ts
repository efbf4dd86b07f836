import { eventually } from '../../support/eventually';
import { PaymentStack } from '../../support/payment-stack';

// PAYMENT_REFUNDED, at least once: a refund commits first and is announced after, as ORDER_PAID is.
describe('payments: PAYMENT_REFUNDED announced by a backstop (real PostgreSQL and Kafka)', () => {
  let stack: PaymentStack;
  let activityId: number;

  beforeAll(async () => {
    stack = await PaymentStack.start();
    activityId = await stack.fixtures.activity(10);
  });
  afterAll(() => stack?.close());

  const announcedAt = async (paymentId: string) =>
    (await stack.db.query('SELECT refund_announced_at AS at FROM payments WHERE id = $1', [paymentId]))[0].at;

  it('when the service died between the refund and its event, then the backstop announces it, once', async () => {
    const order = await stack.fixtures.order(activityId, {
      expiresAt: Date.now() - 60_000,
      status: 'CANCELLED',
      cancelledAt: Date.now() - 50_000,
    });
    const paymentId = `pay_crashed_${order.id.replaceAll('-', '')}`;
    // REFUNDED with nothing announced: the state a crash right after the refund's commit leaves behind.
    await stack.db.query(
      `INSERT INTO payments (id, order_id, amount, currency, status, refund_reason, captured_at,
                             refund_requested_at, refund_id, refunded_at)
       VALUES ($1, $2, 9900, 'CNY', 'REFUNDED', 'ORDER_NOT_PAYABLE', now() - interval '20 seconds',
               now() - interval '20 seconds', 're_crashed', now() - interval '10 seconds')`,
      [paymentId, order.id],
    );
    await eventually(() => stack.eventTypes(order.id).includes('PAYMENT_REFUNDED'), { timeoutMs: 20_000 });
    await eventually(async () => (await announcedAt(paymentId)) !== null);
    await stack.events.caughtUp();
    expect(stack.eventTypes(order.id)).toEqual(['PAYMENT_REFUNDED']);
  });
});
