import { createActivity, purchase } from '../support/api';
import { TestClients, range } from '../support/clients';
import { eventually } from '../support/eventually';
import { expectEveryAcceptedOrdered, record } from '../support/faults';
import { ServiceProcess } from '../support/service-process';

describe('faults: service processes die (kill -9) during a sale', () => {
  let clients: TestClients;
  const running: ServiceProcess[] = [];
  const start = async (...args: Parameters<typeof ServiceProcess.start>) => {
    const service = await ServiceProcess.start(...args);
    running.push(service);
    return service;
  };

  beforeAll(async () => {
    clients = await TestClients.connect();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  afterAll(async () => {
    await clients?.close();
  });

  it('when the order-service dies mid-batch and restarts, then every 202 becomes exactly one order', async () => {
    const gateway = await start('gateway');
    const activity = await createActivity(gateway.url, { stock: 2_000 });
    const replies = await Promise.all(
      range(2_000).map((i) => purchase(gateway.url, activity.id, `os-${activity.id}-${i}`)),
    );
    const accepted = replies.filter((r) => r.status === 202).map((r) => r.body.orderId!);

    // Held INSERTs stop the order-service inside a batch (reservations taken, rows not written): kill it there.
    const releaseOrders = await clients.holdOrderWrites();
    const first = await start('order-service');
    const taken = await eventually(async () => (await clients.reservationsIn(activity.id, 'T')) || false, {
      intervalMs: 20,
    });
    await first.kill();
    await releaseOrders();
    const before = (await clients.orders(activity.id)).length;
    const restarted = Date.now();
    await start('order-service');
    const figures = await expectEveryAcceptedOrdered(clients, activity.id, accepted);
    record({
      fault: `order-service kill -9 mid-batch (${taken} reservations taken, ${before} of ${accepted.length} orders written)`,
      buyerSaw: `${accepted.length}× 202 (answered before the crash)`,
      accepted: accepted.length,
      ...figures,
      recoveryMs: Date.now() - restarted,
    });
  });

  it('when the cancel-service dies in the middle of a wave of timeouts, then each unpaid order is cancelled once and its stock released once', async () => {
    const gateway = await start('gateway');
    await start('order-service');
    const cancelService = await start('cancel-service');
    const activity = await createActivity(gateway.url, { stock: 400, payTimeoutSeconds: 2 });
    const replies = await Promise.all(
      range(400).map((i) => purchase(gateway.url, activity.id, `cs-${activity.id}-${i}`)),
    );
    const accepted = replies.filter((r) => r.status === 202).map((r) => r.body.orderId!);

    const cancelled = async () =>
      (await clients.orders(activity.id)).filter((o) => o.status === 'CANCELLED').length;
    await eventually(async () => expect(await cancelled()).toBeGreaterThan(0), { intervalMs: 5 });
    await cancelService.kill();
    const before = await cancelled();
    const restarted = Date.now();
    await start('cancel-service');
    await eventually(async () => expect(await cancelled()).toBe(accepted.length), { timeoutMs: 60_000 });
    const figures = await expectEveryAcceptedOrdered(clients, activity.id, accepted);
    expect(await clients.remaining(activity.id)).toBe(400);
    record({
      fault: `cancel-service kill -9 mid-wave of timeouts (after ${before} of ${accepted.length} cancellations)`,
      buyerSaw: 'unpaid orders CANCELLED, stock back once',
      accepted: accepted.length,
      ...figures,
      recoveryMs: Date.now() - restarted,
    });
  });

  it('when the gateway dies after its 202s and before relaying them to Kafka, then the orders still appear', async () => {
    // A 60 s linger holds the order requests in the relay's batch: reserved in Redis, answered, not on Kafka.
    const gateway = await start('gateway', { PUBLISH_LINGER_MS: '60000' });
    await start('order-service', { RESERVATION_RECOVERY_AFTER_MS: '1000' });
    const activity = await createActivity(gateway.url, { stock: 10 });
    const replies = await Promise.all(range(5).map((i) => purchase(gateway.url, activity.id, `gw-${i}`)));
    expect(replies.map((r) => r.status)).toEqual(range(5).map(() => 202));
    const orderIds = replies.map((r) => r.body.orderId!);
    await expect(clients.orders(activity.id)).resolves.toHaveLength(0);
    await gateway.kill();
    const killed = Date.now();
    const figures = await expectEveryAcceptedOrdered(clients, activity.id, orderIds);
    record({
      fault: 'gateway kill -9 after its 202s, before relaying them to Kafka (5 purchases)',
      buyerSaw: '202 at once; the orders exist (recovery re-published them)',
      accepted: orderIds.length,
      ...figures,
      recoveryMs: Date.now() - killed,
    });
  });
});
