import { cpSync, rmSync } from 'node:fs';
import { createActivity, purchase, purchaseResult } from '../support/api';
import { TestClients, range } from '../support/clients';
import { eventually } from '../support/eventually';
import { stockKeys } from '@app/stock';
import { aofDir, infra, record } from '../support/faults';
import { ServiceProcess } from '../support/service-process';
import { Tally, describeStatuses, statusKey } from '../support/statuses';

interface Accepted {
  userId: string;
  orderId: string;
}

async function wave(gateway: string, activityId: number, prefix: string, size: number): Promise<Accepted[]> {
  const replies = await Promise.all(range(size).map((i) => purchase(gateway, activityId, `${prefix}-${i}`)));
  return replies.flatMap((r, i) =>
    r.status === 202 ? [{ userId: `${prefix}-${i}`, orderId: r.body.orderId! }] : [],
  );
}

describe('faults: Redis loses acknowledged writes during a sale (PostgreSQL is the ledger)', () => {
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

  /** A whole copy of the AOF as it is now (rewritten first): what an older AOF will bring back. */
  async function keepAof(): Promise<{ aof: string; older: string }> {
    await clients.redis.bgrewriteaof();
    await eventually(async () =>
      expect((await clients.redis.info('persistence')).includes('aof_rewrite_in_progress:0')).toBe(true),
    );
    const aof = await aofDir(clients.redis);
    const older = `${aof}.older`;
    rmSync(older, { recursive: true, force: true });
    cpSync(aof, older, { recursive: true });
    return { aof, older };
  }

  /** Redis stopped and started again from the older copy: every write since it is gone. */
  function restartFrom({ aof, older }: { aof: string; older: string }): void {
    infra('stop', 'redis');
    rmSync(aof, { recursive: true, force: true });
    cpSync(older, aof, { recursive: true });
    infra('start', 'redis');
  }

  /** `size` buyers who retry a 503 (nothing was taken) until they are answered: the 202s. */
  async function answered(activityId: number, prefix: string, size: number): Promise<Accepted[]> {
    const replies = await Promise.all(
      range(size).map((i) =>
        eventually(async () => {
          const reply = await purchase(gateway.url, activityId, `${prefix}-${i}`);
          expect(reply.status).not.toBe(503);
          return reply;
        }),
      ),
    );
    return replies.flatMap((r, i) =>
      r.status === 202 ? [{ userId: `${prefix}-${i}`, orderId: r.body.orderId! }] : [],
    );
  }

  const ordersReach = (activityId: number, n: number) =>
    eventually(async () => expect(await clients.orders(activityId)).toHaveLength(n), { timeoutMs: 30_000 });

  /** An activity whose first wave of `n` became orders, and a copy of the AOF taken then. */
  async function ordersThenAofCopy(stock: number, prefix: string, n: number) {
    const activity = await createActivity(gateway.url, { stock });
    const first = await wave(gateway.url, activity.id, `${prefix}-first-${activity.id}`, n);
    await ordersReach(activity.id, n);
    return { activity, first, older: await keepAof() };
  }

  const liveOrders = async (activityId: number) =>
    (await clients.orders(activityId)).filter((o) => o.status !== 'CANCELLED');

  /** Once quiet: every 202 became its order or (Redis having lost it) ended FAILED on /result, never silence. */
  async function judge(activityId: number, accepted: Accepted[], stock: number) {
    await clients.expectReconciled(activityId, 60_000);
    const ordered = new Set((await clients.orders(activityId)).map((o) => o.id));
    const outcomes = await Promise.all(
      accepted
        .filter((a) => !ordered.has(a.orderId))
        .map(async (a) => (await purchaseResult(gateway.url, activityId, a.userId)).body),
    );
    const failed = outcomes.filter((r) => r.status === 'FAILED').length;
    const sold = (await liveOrders(activityId)).reduce((sum, o) => sum + o.quantity, 0);
    return { failed, lost: outcomes.length - failed, oversold: Math.max(0, sold - stock) };
  }

  it('when Redis restarts from an older AOF, then the order-service rebuilds the sale from PostgreSQL and it sells exactly its stock', async () => {
    const { activity, first, older } = await ordersThenAofCopy(300, 'aof', 150);
    const second = await wave(gateway.url, activity.id, `aof-second-${activity.id}`, 100);
    await ordersReach(activity.id, 250);

    restartFrom(older);
    const restarted = Date.now();
    // The older AOF believes 150 sold; the ledger knows 250.
    await eventually(async () => expect(await clients.remaining(activity.id)).toBe(50), {
      timeoutMs: 30_000,
    });
    const recoveryMs = Date.now() - restarted;

    // The gateway holds its sales until the order-service has vouched for the server: 503, retried.
    const third = await answered(activity.id, `aof-third-${activity.id}`, 150);
    expect(third).toHaveLength(50);
    const accepted = [...first, ...second, ...third];
    await eventually(async () => expect(await liveOrders(activity.id)).toHaveLength(300), {
      timeoutMs: 30_000,
    });
    const figures = await judge(activity.id, accepted, 300);
    expect(figures).toEqual({ failed: 0, lost: 0, oversold: 0 });
    record({
      fault: 'Redis restarted from an older AOF (100 acknowledged reservations and decrements gone)',
      buyerSaw: `202 for ${accepted.length}; rebuilt from PostgreSQL ${recoveryMs} ms after the restart, then exactly the stock left sold`,
      accepted: accepted.length,
      duplicated: 0,
      ...figures,
      recoveryMs,
    });
  });

  it('when Redis restarts from an older AOF while the order-service is down, then the order-service notices at its start and every 202 ends ordered or FAILED, none in silence', async () => {
    const { activity, first, older } = await ordersThenAofCopy(200, 'down', 50);

    const index = services.findIndex((s) => s.name === 'order-service');
    await services[index].kill();
    // Their requests wait in Kafka; their reservations are in the AOF that is about to be lost.
    const second = await wave(gateway.url, activity.id, `down-second-${activity.id}`, 50);
    expect(second).toHaveLength(50);
    restartFrom(older);
    const restarted = Date.now();
    services[index] = await ServiceProcess.start('order-service');

    const accepted = [...first, ...second];
    const figures = await judge(activity.id, accepted, 200);
    expect(figures.lost).toBe(0);
    expect(figures.oversold).toBe(0);
    expect(figures.failed).toBeLessThanOrEqual(second.length);
    record({
      fault:
        'Redis restarted from an older AOF while the order-service was down (50 requests waiting in Kafka)',
      buyerSaw: `202 for ${accepted.length}; at its start the order-service rebuilt from PostgreSQL; ${figures.failed} ended FAILED on /result, none silent`,
      accepted: accepted.length,
      duplicated: 0,
      ...figures,
      recoveryMs: Date.now() - restarted,
    });
  });

  // A gateway that keeps running through the restart reconnects within ~100 ms; until the order-service has
  // rebuilt the sale from the ledger, the server it reconnects to remembers units the ledger has sold.
  it('when Redis restarts from an older AOF while the order-service is down, then the gateway sells nothing until the sale is rebuilt', async () => {
    const { activity, first, older } = await ordersThenAofCopy(100, 'hold', 50);
    const second = await wave(gateway.url, activity.id, `hold-second-${activity.id}`, 30);
    expect(second).toHaveLength(30);
    await ordersReach(activity.id, 80); // the ledger: 20 left

    const index = services.findIndex((s) => s.name === 'order-service');
    await services[index].kill();
    restartFrom(older); // the older AOF: 50 left
    const restarted = Date.now();
    // The gateway's connection is back: it answers its health check through Redis again.
    await eventually(async () => {
      const health = await fetch(`${gateway.url}/health`);
      expect(((await health.json()) as { checks: { redis: { status: string } } }).checks.redis.status).toBe(
        'up',
      );
    });

    const meanwhile = await Promise.all(
      range(60).map((i) => purchase(gateway.url, activity.id, `hold-meanwhile-${activity.id}-${i}`)),
    );
    const tally: Tally = {};
    for (const reply of meanwhile) tally[statusKey(reply)] = (tally[statusKey(reply)] ?? 0) + 1;
    expect(meanwhile.filter((r) => r.status === 202)).toHaveLength(0);
    expect(await clients.remaining(activity.id)).toBe(50); // nothing taken from the older figures

    services[index] = await ServiceProcess.start('order-service');
    await eventually(async () => expect(await clients.remaining(activity.id)).toBe(20), {
      timeoutMs: 30_000,
    });
    const recoveryMs = Date.now() - restarted;
    const third = await answered(activity.id, `hold-third-${activity.id}`, 30);
    expect(third).toHaveLength(20);

    const accepted = [...first, ...second, ...third];
    const figures = await judge(activity.id, accepted, 100);
    expect(figures).toEqual({ failed: 0, lost: 0, oversold: 0 });
    record({
      fault: 'Redis restarted from an older AOF while the order-service was down (30 sold units forgotten)',
      buyerSaw: `${describeStatuses(tally)} for 60 buyers until the sale was rebuilt; then exactly the 20 units left sold`,
      accepted: accepted.length,
      duplicated: 0,
      ...figures,
      recoveryMs,
    });
  });

  it('when Redis is wiped (FLUSHALL) in the middle of a burst, then no order goes past the stock and every 202 ends ordered or FAILED', async () => {
    const activity = await createActivity(gateway.url, { stock: 2_500 });
    const burst = wave(gateway.url, activity.id, `flush-burst-${activity.id}`, 2_000);
    await eventually(async () => expect((await clients.orders(activity.id)).length).toBeGreaterThan(100), {
      intervalMs: 10,
    });
    await clients.redis.flushall();
    const wiped = Date.now();
    // The sale goes on by itself once the activity is rebuilt (the burst is still running).
    await eventually(async () => expect(await clients.redis.exists(stockKeys(activity.id).meta)).toBe(1), {
      timeoutMs: 30_000,
      intervalMs: 10,
    });
    const recoveryMs = Date.now() - wiped;
    const during = await burst;
    const after = await wave(gateway.url, activity.id, `flush-after-${activity.id}`, 1);
    expect(after).toHaveLength(1);
    const rest = await wave(gateway.url, activity.id, `flush-rest-${activity.id}`, 1_000);
    const accepted = [...during, ...after, ...rest];
    const figures = await judge(activity.id, accepted, 2_500);
    expect({ lost: figures.lost, oversold: figures.oversold }).toEqual({ lost: 0, oversold: 0 });
    record({
      fault: 'Redis wiped (FLUSHALL) mid-burst of 2,000 buyers',
      buyerSaw: `${during.length}× 202 in the burst (404 NOT_FOUND until rebuilt); ${figures.failed} of all 202s ended FAILED on /result`,
      accepted: accepted.length,
      duplicated: 0,
      ...figures,
      recoveryMs,
    });
  });
});
