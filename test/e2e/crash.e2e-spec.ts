import { createActivity, purchase } from '../support/api';
import { TestClients, range } from '../support/clients';
import { eventually } from '../support/eventually';
import { ServiceProcess } from '../support/service-process';

describe('crashes (kill -9 of real service processes)', () => {
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

  it('when the order-service is killed mid-stream and restarted, then every 202 becomes exactly one order', async () => {
    const gateway = await start('gateway');
    const activity = await createActivity(gateway.url, { stock: 1_500 });
    const replies = await Promise.all(
      range(1_500).map((i) => purchase(gateway.url, activity.id, `crash-${activity.id}-${i}`)),
    );
    const accepted = replies.filter((r) => r.status === 202).map((r) => r.body.orderId!);
    expect(accepted).toHaveLength(1_500);

    // The requests wait in Kafka. The order-service takes a batch of reservations, then blocks on its INSERT
    // (the test holds the table) and is killed right there: mid-batch, nothing of it committed.
    const releaseOrders = await clients.holdOrderWrites();
    const first = await start('order-service');
    const taken = await eventually(async () => (await clients.reservationsIn(activity.id, 'T')) || false, {
      intervalMs: 20,
    });
    await first.kill();
    await releaseOrders();
    expect(await clients.orders(activity.id)).toHaveLength(0);

    await start('order-service');
    await eventually(async () => expect(await clients.orders(activity.id)).toHaveLength(1_500));
    const ids = (await clients.orders(activity.id)).map((o) => o.id).sort();
    expect(ids).toEqual([...accepted].sort());
    await clients.expectReconciled(activity.id);
    process.stdout.write(
      `order-service killed mid-batch (${taken} reservations taken, none written); all 1500 orders after restart\n`,
    );
  });

  it('when the gateway dies between the reservation and the publish, then the order still appears', async () => {
    // A 60 s linger (and as long a publish timeout) holds the request in the gateway's publish batch:
    // reserved in Redis, not yet on Kafka.
    const gateway = await start('gateway', { PUBLISH_LINGER_MS: '60000', PUBLISH_TIMEOUT_MS: '60000' });
    await start('order-service', { RESERVATION_RECOVERY_AFTER_MS: '1000' });
    const activity = await createActivity(gateway.url, { stock: 2 });

    const inFlight = purchase(gateway.url, activity.id, 'orphan');
    inFlight.catch(() => undefined); // settled below
    const orderId = await eventually(() =>
      clients.buyerOrderId(activity.id, 'orphan').then((id) => id ?? false),
    );
    expect(await clients.reservation(activity.id, orderId)).toMatchObject({ state: 'R' });
    await gateway.kill();
    await expect(inFlight).rejects.toThrow(); // the buyer never got an answer

    await eventually(async () =>
      expect(await clients.orders(activity.id)).toEqual([expect.objectContaining({ id: orderId })]),
    );
    expect(await clients.remaining(activity.id)).toBe(1);
    await clients.expectReconciled(activity.id);
  });
});
