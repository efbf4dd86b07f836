import { blacklist, createActivity, pay, purchase, purchaseResult } from '../support/api';
import { TestClients } from '../support/clients';
import { eventually } from '../support/eventually';
import { expectEveryAcceptedOrdered, infra, record, signal } from '../support/faults';
import { ServiceProcess } from '../support/service-process';
import { describeStatuses } from '../support/statuses';
import { wave } from '../support/waves';

/** Buys again and again (one buyer at a time) until one purchase is accepted; the recovery of the gateway. */
async function firstAccepted(gateway: string, activityId: number, prefix: string) {
  return eventually(
    async () => {
      const w = await wave(gateway, activityId, `${prefix}-${Date.now()}`, 1);
      return w.accepted.length === 1 && w;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

describe('faults: Kafka, Redis and PostgreSQL stop during a sale', () => {
  let clients: TestClients;
  let services: ServiceProcess[];
  let gateway: ServiceProcess;

  beforeAll(async () => {
    clients = await TestClients.connect();
    services = await ServiceProcess.startAll(['gateway', 'order-service', 'cancel-service']);
    [gateway] = services;
  });
  afterAll(async () => {
    await Promise.all(services?.map((s) => s.stop()) ?? []);
    await clients?.close();
  });

  it('when Kafka stops and restarts, then the sale goes on meanwhile (202) and every 202 becomes an order once it is back', async () => {
    const activity = await createActivity(gateway.url, { stock: 1_000 });
    const before = await wave(gateway.url, activity.id, 'kafka-before', 100);
    expect(before.accepted).toHaveLength(100);

    infra('stop', 'kafka');
    const during = await wave(gateway.url, activity.id, 'kafka-during', 50);
    expect(during.statuses).toEqual({ '202': 50 });
    expect(await clients.remaining(activity.id)).toBe(1_000 - 150);

    infra('start', 'kafka');
    const restarted = Date.now();
    const accepted = [...before.accepted, ...during.accepted];
    const figures = await expectEveryAcceptedOrdered(clients, activity.id, accepted, 90_000);
    record({
      fault: 'Kafka broker stopped, then restarted',
      buyerSaw: `${describeStatuses(during.statuses)} while down (answered in ${during.ms} ms for 50 at once); their orders appear once Kafka is back`,
      accepted: accepted.length,
      ...figures,
      recoveryMs: Date.now() - restarted,
    });
  });

  it('when Kafka is frozen (SIGSTOP), then every answer whose write is committed comes within 1 s: a purchase, a payment, a new activity, a blacklist entry, a result', async () => {
    const activity = await createActivity(gateway.url, { stock: 10 });
    const payer = `frozen-payer-${activity.id}`;
    const bought = await purchase(gateway.url, activity.id, payer);
    expect(bought.status).toBe(202);
    await eventually(async () => expect(await clients.orders(activity.id)).toHaveLength(1), {
      timeoutMs: 30_000,
    });
    const orderService = services.find((s) => s.name === 'order-service')!;
    const timed = async <T>(what: string, call: () => Promise<T>) => {
      const started = Date.now();
      const answer = await call();
      return { what, answer, ms: Date.now() - started };
    };
    signal('SIGSTOP', 'kafka');
    let answers;
    try {
      answers = [
        await timed('pay', () => pay(orderService.url, bought.body.orderId!, payer)),
        await timed('purchase', () => purchase(gateway.url, activity.id, `frozen-second-${activity.id}`)),
        await timed('create activity', () => createActivity(gateway.url, { stock: 5 })),
        await timed('blacklist', () => blacklist(gateway.url, 'user', `frozen-bot-${activity.id}`)),
        await timed('result', () => purchaseResult(gateway.url, activity.id, payer)),
      ];
    } finally {
      signal('SIGCONT', 'kafka');
    }
    expect(answers.filter((a) => a.ms >= 1_000).map((a) => `${a.what}: ${a.ms} ms`)).toEqual([]);
    expect((answers[0].answer as Awaited<ReturnType<typeof pay>>).status).toBe(200);
    expect((answers[1].answer as Awaited<ReturnType<typeof purchase>>).status).toBe(202);
    // What the payment still owes Kafka (ORDER_PAID) is sent by the backstop once it thaws.
    await eventually(
      async () => {
        const [row] = await clients.db.query('SELECT paid_announced_at FROM orders WHERE id = $1', [
          bought.body.orderId,
        ]);
        expect(row.paid_announced_at).not.toBeNull();
      },
      { timeoutMs: 60_000 },
    );
    record({
      fault: 'Kafka broker frozen (SIGSTOP) while buyers pay, buy and read, and the admin creates and blocks',
      buyerSaw: answers.map((a) => `${a.what} ${a.ms} ms`).join(', '),
      accepted: 1,
      lost: 0,
      duplicated: 0,
      oversold: 0,
      recoveryMs: 0,
    });
  });

  it('when Kafka is frozen (SIGSTOP), then purchases still get 202, a retry with the same Idempotency-Key gets the same order, and every 202 becomes one order once it thaws', async () => {
    const activity = await createActivity(gateway.url, { stock: 100 });
    const key = { 'idempotency-key': `frozen-${activity.id}` };
    signal('SIGSTOP', 'kafka');
    let first, retry, during;
    try {
      first = await purchase(gateway.url, activity.id, 'frozen-kafka-buyer', 1, key);
      retry = await purchase(gateway.url, activity.id, 'frozen-kafka-buyer', 1, key);
      during = await wave(gateway.url, activity.id, 'frozen-kafka', 30);
    } finally {
      signal('SIGCONT', 'kafka');
    }
    const thawed = Date.now();
    expect([first.status, retry.status]).toEqual([202, 202]);
    expect(retry.body.orderId).toBe(first.body.orderId);
    expect(during.statuses).toEqual({ '202': 30 });
    const accepted = [first.body.orderId!, ...during.accepted];
    const figures = await expectEveryAcceptedOrdered(clients, activity.id, accepted, 90_000);
    record({
      fault: 'Kafka broker frozen (SIGSTOP), a retry with the same Idempotency-Key, then SIGCONT',
      buyerSaw: `202 at once, the retry the same order id; ${describeStatuses(during.statuses)}; every order appears after the thaw`,
      accepted: accepted.length,
      ...figures,
      recoveryMs: Date.now() - thawed,
    });
  });

  it('when Redis stops, then the gateway answers 503 UNAVAILABLE at once, takes nothing, and recovers when Redis is back', async () => {
    const activity = await createActivity(gateway.url, { stock: 1_000 });
    const before = await wave(gateway.url, activity.id, 'redis-before', 100);
    const remaining = await clients.remaining(activity.id);

    infra('stop', 'redis');
    const during = await wave(gateway.url, activity.id, 'redis-during', 50);
    expect(during.statuses).toEqual({ '503 UNAVAILABLE': 50 });
    infra('start', 'redis');
    const restarted = Date.now();
    expect(await eventually(() => clients.remaining(activity.id), { timeoutMs: 30_000 })).toBe(remaining);

    const after = await firstAccepted(gateway.url, activity.id, 'redis-after');
    const recoveryMs = Date.now() - restarted;
    const accepted = [...before.accepted, ...after.accepted];
    const figures = await expectEveryAcceptedOrdered(clients, activity.id, accepted);
    record({
      fault: 'Redis stopped, then restarted',
      buyerSaw: `${describeStatuses(during.statuses)} in ${during.ms} ms for 50 at once; nothing taken; 202 again after restart`,
      accepted: accepted.length,
      ...figures,
      recoveryMs,
    });
  });

  it('when PostgreSQL stops, then purchases still get 202, consumers retry without committing, and every order appears once it is back', async () => {
    const activity = await createActivity(gateway.url, { stock: 1_000 });
    infra('stop', 'postgres');
    const during = await wave(gateway.url, activity.id, 'pg-during', 300);
    expect(during.statuses).toEqual({ '202': 300 });
    infra('start', 'postgres');
    const restarted = Date.now();
    const figures = await expectEveryAcceptedOrdered(clients, activity.id, during.accepted, 90_000);
    record({
      fault: 'PostgreSQL stopped during a burst, then restarted',
      buyerSaw: `${describeStatuses(during.statuses)} (the purchase path needs only Redis and Kafka)`,
      accepted: during.accepted.length,
      ...figures,
      recoveryMs: Date.now() - restarted,
    });
  });
});
