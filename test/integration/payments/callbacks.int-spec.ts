import { loadConfig } from '@app/config';
import { PaymentCallback, signPayload } from '@app/contracts';
import { eventually } from '../../support/eventually';
import { PaymentStack, callbackEvent } from '../../support/payment-stack';

// The order-service's callback route against the real provider, PostgreSQL and Kafka.
describe('payments: the provider calls back (real provider, PostgreSQL, Kafka)', () => {
  let stack: PaymentStack;
  let activityId: number;

  beforeAll(async () => {
    stack = await PaymentStack.start();
    activityId = await stack.fixtures.activity(100);
  });
  afterAll(() => stack?.close());
  afterEach(() => stack.resetSwitches());

  const pendingOrder = (ttlMs = 60_000) =>
    stack.fixtures.order(activityId, { expiresAt: Date.now() + ttlMs });
  const refundsOf = async (paymentId: string) => (await stack.statementOf(paymentId))?.refunds.length;

  it('when the buyer pays, then the answer names the payment at once and the callback pays the order', async () => {
    const order = await pendingOrder();
    const started = await stack.startPayment(order.id, order.userId);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      orderId: order.id,
      status: 'CREATED',
      amount: 9_900,
      currency: 'CNY',
    });
    expect(started.body.completeUrl).toContain(started.body.paymentId);
    expect((await stack.orderRow(order.id)).status).toBe('PENDING');
    await stack.complete(started.body);
    await eventually(async () => (await stack.orderRow(order.id)).status === 'PAID');
    expect(await stack.orderRow(order.id)).toEqual({ status: 'PAID', payment_id: started.body.paymentId });
    const view = await stack.order(order.id, order.userId);
    expect(view.body.payments).toMatchObject([{ id: started.body.paymentId, status: 'CAPTURED' }]);
    await eventually(() => stack.eventTypes(order.id).includes('ORDER_PAID'));
  });

  it('when a callback is delivered twice, then it is applied once: one payment, one ORDER_PAID', async () => {
    await stack.switches({ duplicateCallbacks: true });
    const order = await pendingOrder();
    const started = await stack.startPayment(order.id, order.userId);
    await stack.complete(started.body);
    await eventually(async () => (await stack.orderRow(order.id)).status === 'PAID');
    await eventually(async () => {
      const [{ count }] = await stack.db.query(
        'SELECT count(*)::int AS count FROM payment_events WHERE payment_id = $1',
        [started.body.paymentId],
      );
      return count === 1;
    });
    // The second delivery is acknowledged as a duplicate: the provider stops sending it.
    const again = await stack.callback({
      ...callbackEvent('payment.succeeded', order.id, started.body.paymentId),
    });
    expect(again.body).toEqual({ received: true, outcome: 'unchanged' });
    expect(await stack.payments(order.id)).toEqual([
      { id: started.body.paymentId, status: 'CAPTURED', refund_reason: null },
    ]);
    await stack.events.caughtUp();
    expect(stack.eventTypes(order.id).filter((t) => t === 'ORDER_PAID')).toHaveLength(1);
    expect(await refundsOf(started.body.paymentId)).toBe(0);
  });

  it('when the same event id comes again, then it is a duplicate and changes nothing', async () => {
    const order = await pendingOrder();
    const event = callbackEvent('payment.succeeded', order.id);
    expect((await stack.callback(event)).body.outcome).toBe('paid');
    expect((await stack.callback(event)).body.outcome).toBe('duplicate');
    expect((await stack.payments(order.id)).map((p) => p.status)).toEqual(['CAPTURED']);
  });

  it('when a failed attempt is reported after the successful one, then the order stays PAID by the second', async () => {
    const order = await pendingOrder();
    await stack.switches({ holdCallbacks: true, reorderCallbacks: true });
    const first = await stack.startPayment(order.id, order.userId, 'attempt-1');
    const second = await stack.startPayment(order.id, order.userId, 'attempt-2');
    expect(second.body.paymentId).not.toBe(first.body.paymentId);
    await stack.complete(first.body, 'fail');
    await stack.complete(second.body);
    await stack.switches({ holdCallbacks: false }); // newest first: succeeded(2), then failed(1)
    await eventually(async () => (await stack.payments(order.id)).every((p) => p.status !== 'CREATED'));
    expect(await stack.orderRow(order.id)).toEqual({ status: 'PAID', payment_id: second.body.paymentId });
    expect((await stack.payments(order.id)).map((p) => [p.id, p.status])).toEqual(
      expect.arrayContaining([
        [first.body.paymentId, 'FAILED'],
        [second.body.paymentId, 'CAPTURED'],
      ]),
    );
  });

  it('when the refund is reported before the capture it undoes, then the capture does not pay the order', async () => {
    const order = await pendingOrder();
    const paymentId = `pay_${'ab'.repeat(16)}`;
    expect((await stack.callback(callbackEvent('payment.refunded', order.id, paymentId))).body.outcome).toBe(
      'refunded',
    );
    expect((await stack.callback(callbackEvent('payment.succeeded', order.id, paymentId))).body.outcome).toBe(
      'unchanged',
    );
    expect((await stack.orderRow(order.id)).status).toBe('PENDING');
  });

  it.each([
    ['signed with another secret', { secret: 'not-the-provider-secret-0123456789' }],
    ['signed too long ago (a replay)', { at: Math.floor(Date.now() / 1000) - 3_600 }],
    ['signed in the future', { at: Math.floor(Date.now() / 1000) + 3_600 }],
    ['without a signature', { signature: '' }],
    ['with a garbled signature', { signature: 't=1,v1=nothex' }],
  ])('when a callback is %s, then 401 and nothing changed', async (_name, how) => {
    const order = await pendingOrder();
    const event = callbackEvent('payment.succeeded', order.id);
    const answer = await stack.callback(event, how);
    expect(answer).toMatchObject({ status: 401, body: { code: 'INVALID_SIGNATURE' } });
    expect(await stack.orderRow(order.id)).toEqual({ status: 'PENDING', payment_id: null });
    expect(await stack.payments(order.id)).toEqual([]);
    const seen = await stack.db.query('SELECT 1 FROM payment_events WHERE id = $1', [event.id]);
    expect(seen).toEqual([]);
  });

  it('when the body is altered after signing, then 401', async () => {
    const order = await pendingOrder();
    const event = callbackEvent('payment.succeeded', order.id);
    const { status } = await stack.callback(
      { ...event, data: { ...event.data, amount: 1 } },
      { signature: signedFor(event) },
    );
    expect(status).toBe(401);
    expect((await stack.orderRow(order.id)).status).toBe('PENDING');
  });

  it('when money arrives for an order that does not exist, then it is recorded and refunded', async () => {
    const reference = '00000000-0000-4000-8000-000000000abc';
    const { body: payment } = await stack.providerPayment(reference);
    await stack.complete({ paymentId: payment.id, clientSecret: payment.clientSecret });
    await eventually(async () => (await stack.payments(reference))[0]?.status === 'REFUNDED');
    expect(await stack.payments(reference)).toEqual([
      { id: payment.id, status: 'REFUNDED', refund_reason: 'UNKNOWN_ORDER' },
    ]);
    expect(await refundsOf(payment.id)).toBe(1);
    await stack.db.query('DELETE FROM payments WHERE order_id = $1', [reference]);
  });

  it('when the provider is down while paying, then 503 and nothing is half-done', async () => {
    const order = await pendingOrder();
    await stack.switches({ failPayments: true });
    const answer = await stack.startPayment(order.id, order.userId);
    expect(answer).toMatchObject({ status: 503, body: { code: 'PAYMENT_PROVIDER_UNAVAILABLE' } });
    expect(await stack.orderRow(order.id)).toEqual({ status: 'PENDING', payment_id: null });
    expect(await stack.payments(order.id)).toEqual([]);
    await stack.resetSwitches();
    expect((await stack.startPayment(order.id, order.userId)).status).toBe(201);
  });

  it('when the order is no longer payable, then paying is refused before the provider is asked', async () => {
    const order = await stack.fixtures.order(activityId, { expiresAt: Date.now() - 1_000 });
    const answer = await stack.startPayment(order.id, order.userId);
    expect(answer).toMatchObject({ status: 409, body: { code: 'ORDER_NOT_PAYABLE' } });
    expect(await stack.payments(order.id)).toEqual([]);
  });
});

/** The signature the provider would have sent for `event` as it was. */
function signedFor(event: PaymentCallback): string {
  return signPayload(
    loadConfig().PAYMENT_WEBHOOK_SECRET,
    JSON.stringify(event),
    Math.floor(Date.now() / 1000),
  );
}
