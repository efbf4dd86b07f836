import { loadConfig } from '@app/config';
import { CancelFixtures } from '../support/cancel-fixtures';
import { TestClients } from '../support/clients';
import { eventually } from '../support/eventually';
import { ServiceProcess, TEST_PAYMENT_ENV } from '../support/service-process';

// The order-service killed (kill -9) in the middle of the saga: the refund still happens, exactly once.
describe('a late payment survives a crash of the order-service (real processes, PostgreSQL, Kafka)', () => {
  let provider: ServiceProcess;
  let orderService: ServiceProcess;
  let clients: TestClients;
  let fixtures: CancelFixtures;
  let activityId: number;
  const config = loadConfig();
  const apiKey = { authorization: `Bearer ${config.PAYMENT_PROVIDER_API_KEY}` };

  beforeAll(async () => {
    clients = await TestClients.connect();
    fixtures = new CancelFixtures(clients.db, clients.redis);
    activityId = await fixtures.activity(10);
    provider = await ServiceProcess.start('payment-provider', TEST_PAYMENT_ENV);
    orderService = await ServiceProcess.start('order-service', TEST_PAYMENT_ENV);
  });
  afterAll(async () => {
    await Promise.all([orderService?.stop(), provider?.stop()]);
    await clients?.db.query(
      `DELETE FROM payments WHERE order_id IN (SELECT id::text FROM orders WHERE activity_id = $1)`,
      [activityId],
    );
    await fixtures?.cleanup();
    await clients?.close();
  });

  const call = async (url: string, method: string, headers: Record<string, string>, body?: unknown) => {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.json() as Promise<any>;
  };
  const switches = (change: Record<string, unknown>) =>
    call(`${provider.url}/v1/test/switches`, 'POST', apiKey, change);
  const refundsAt = async (paymentId: string): Promise<number> => {
    const statement = await call(`${provider.url}/v1/statement`, 'GET', apiKey);
    return statement.payments.find((p: { id: string }) => p.id === paymentId).refunds.length;
  };
  const status = async (paymentId: string) =>
    (await clients.db.query('SELECT status FROM payments WHERE id = $1', [paymentId]))[0]?.status;
  /** A cancelled order, and money captured for it at the provider (its callback held there). */
  const capturedForCancelledOrder = async () => {
    const order = await fixtures.order(activityId, { expiresAt: Date.now() - 1_000 });
    await clients.db.query(`UPDATE orders SET status = 'CANCELLED', cancelled_at = now() WHERE id = $1`, [
      order.id,
    ]);
    const payment = await call(
      `${provider.url}/v1/payments`,
      'POST',
      { ...apiKey, 'idempotency-key': `${order.id}:first` },
      {
        amount: 9_900,
        currency: 'CNY',
        reference: order.id,
        callbackUrl: TEST_PAYMENT_ENV.PAYMENT_CALLBACK_URL,
      },
    );
    await call(
      `${provider.url}/v1/payments/${payment.id}/complete`,
      'POST',
      {},
      { clientSecret: payment.clientSecret },
    );
    return { order, paymentId: payment.id as string };
  };
  const restart = async () => {
    await orderService.kill();
    orderService = await ServiceProcess.start('order-service', TEST_PAYMENT_ENV);
  };

  it('when it died after recording the payment and before requesting the refund, then the restarted one refunds it once', async () => {
    await switches({ holdCallbacks: true });
    const { order, paymentId } = await capturedForCancelledOrder();
    // What the crash leaves: the callback's transaction committed (REFUND_PENDING), no command ever sent.
    await clients.db.query(
      `INSERT INTO payments (id, order_id, amount, currency, status, refund_reason, captured_at, refund_requested_at)
       VALUES ($1, $2, 9900, 'CNY', 'REFUND_PENDING', 'ORDER_NOT_PAYABLE', now(), now() - interval '10 seconds')`,
      [paymentId, order.id],
    );
    await restart();
    await eventually(async () => (await status(paymentId)) === 'REFUNDED', { timeoutMs: 30_000 });
    await switches({ holdCallbacks: false }); // the held payment.succeeded now arrives: nothing more happens
    await eventually(
      async () => (await call(`${provider.url}/v1/test/switches`, 'GET', apiKey)).holdCallbacks === false,
    );
    expect(await refundsAt(paymentId)).toBe(1);
  });

  it('when it is killed as soon as the late payment is recorded, then after the restart it is refunded exactly once', async () => {
    await switches({ holdCallbacks: true, duplicateCallbacks: true });
    const { paymentId } = await capturedForCancelledOrder();
    await switches({ holdCallbacks: false });
    await eventually(async () => (await status(paymentId)) !== undefined, { intervalMs: 5 });
    await restart();
    await eventually(async () => (await status(paymentId)) === 'REFUNDED', { timeoutMs: 30_000 });
    expect(await refundsAt(paymentId)).toBe(1);
    await switches({ duplicateCallbacks: false });
  });
});
