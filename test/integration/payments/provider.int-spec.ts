import { loadConfig } from '@app/config';
import { verifySignature } from '@app/contracts';
import { PaymentProviderModule } from '../../../apps/payment-provider/src/payment-provider.module';
import { CallbackReceiver } from '../../support/callback-receiver';
import { eventually } from '../../support/eventually';
import { InProcessService } from '../../support/risk-gateways';

// The provider on its own: its contract as the order-service relies on it.
describe('the payment provider', () => {
  let provider: InProcessService;
  let merchant: CallbackReceiver;
  const config = loadConfig();
  const key = { authorization: `Bearer ${config.PAYMENT_PROVIDER_API_KEY}` };

  beforeAll(async () => {
    provider = await InProcessService.start(PaymentProviderModule, 'payment-provider');
    merchant = await CallbackReceiver.start();
  });
  afterAll(async () => {
    await provider?.close();
    await merchant?.close();
  });
  afterEach(async () => {
    merchant.status = () => 200;
    await provider.call('POST', '/v1/test/switches/reset', { headers: key });
  });

  const create = (idempotencyKey: string, reference = `order-${idempotencyKey}`, amount = 9_900) =>
    provider.call('POST', '/v1/payments', {
      headers: { ...key, 'idempotency-key': idempotencyKey },
      payload: { amount, currency: 'CNY', reference, callbackUrl: merchant.url },
    });
  const complete = (p: { id: string; clientSecret: string }, outcome = 'succeed') =>
    provider.call('POST', `/v1/payments/${p.id}/complete`, {
      payload: { clientSecret: p.clientSecret, outcome },
    });
  const refund = (paymentId: string, idempotencyKey: string) =>
    provider.call('POST', '/v1/refunds', {
      headers: { ...key, 'idempotency-key': idempotencyKey },
      payload: { paymentId },
    });
  const switches = (change: Record<string, unknown>) =>
    provider.call('POST', '/v1/test/switches', { headers: key, payload: change });

  it('when a payment is created twice with one idempotency key, then it is one payment; another body is refused', async () => {
    const first = await create('k-same');
    const again = await create('k-same');
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
    expect((await create('k-same', 'another-order')).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await provider.call('POST', '/v1/payments', { payload: {} })).status).toBe(401);
  });

  it('when the buyer completes a payment, then a signed payment.succeeded reaches the merchant', async () => {
    const { body: payment } = await create('k-signed');
    expect((await complete(payment)).body).toMatchObject({ status: 'succeeded', capturedAmount: 9_900 });
    const [callback] = await eventually(() => {
      const got = merchant.received.filter((r) => r.event.data.paymentId === payment.id);
      return got.length > 0 && got;
    });
    expect(callback.event).toMatchObject({
      type: 'payment.succeeded',
      data: { reference: 'order-k-signed' },
    });
    const verdict = verifySignature(config.PAYMENT_WEBHOOK_SECRET, callback.rawBody, callback.signature, {
      toleranceSeconds: 300,
    });
    expect(verdict.ok).toBe(true);
    expect(
      verifySignature('another-secret-entirely', callback.rawBody, callback.signature, {
        toleranceSeconds: 300,
      }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('when a refund is asked for twice with one key, then the money goes back once', async () => {
    const { body: payment } = await create('k-refund');
    await complete(payment);
    const first = await refund(payment.id, `refund-${payment.id}`);
    const again = await refund(payment.id, `refund-${payment.id}`);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
    expect((await refund(payment.id, 'another-key')).body.code).toBe('REFUND_NOT_POSSIBLE');
    const statement = await provider.call('GET', '/v1/statement', { headers: key });
    const line = statement.body.payments.find((p: { id: string }) => p.id === payment.id);
    expect(line).toMatchObject({ status: 'refunded', capturedAmount: 9_900, refunds: [{ amount: 9_900 }] });
    await eventually(() => merchant.types(payment.id).includes('payment.refunded'));
  });

  it('when the merchant fails, then the callback is retried until acknowledged', async () => {
    let refusals = 2;
    merchant.status = () => (refusals-- > 0 ? 500 : 200);
    const { body: payment } = await create('k-retry');
    await complete(payment);
    await eventually(() => merchant.types(payment.id).length === 1, { timeoutMs: 10_000 });
    expect(refusals).toBeLessThan(0);
  });

  it('when the switches say duplicate and reorder, then the merchant sees each event twice, newest first', async () => {
    await switches({ duplicateCallbacks: true, holdCallbacks: true, reorderCallbacks: true });
    const { body: payment } = await create('k-reorder');
    await complete(payment);
    await refund(payment.id, `refund-${payment.id}`);
    await switches({ holdCallbacks: false });
    await eventually(() => merchant.types(payment.id).length === 4);
    expect(merchant.types(payment.id)).toEqual([
      'payment.refunded',
      'payment.refunded',
      'payment.succeeded',
      'payment.succeeded',
    ]);
  });

  it('when failPayments is on, then creating a payment answers 503 and creates nothing', async () => {
    await switches({ failPayments: true });
    const before = (await provider.call('GET', '/v1/statement', { headers: key })).body.payments.length;
    expect((await create('k-down')).status).toBe(503);
    expect((await provider.call('GET', '/v1/statement', { headers: key })).body.payments).toHaveLength(
      before,
    );
  });
});
