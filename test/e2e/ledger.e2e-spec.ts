import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stockKeys } from '@app/stock';
import { checkInvariants } from '@app/reconcile';
import { createActivity, purchase, purchaseResult } from '../support/api';
import { TestClients, range } from '../support/clients';
import { eventually } from '../support/eventually';
import { ServiceProcess } from '../support/service-process';

const run = promisify(execFile);
const REBUILD = join(__dirname, '../../dist/apps/ops/src/rebuild.js');

describe('PostgreSQL is the ledger, Redis is rebuilt from it (real processes, Redis, PostgreSQL, Kafka)', () => {
  let gateway: ServiceProcess;
  let orderService: ServiceProcess;
  let clients: TestClients;

  beforeAll(async () => {
    clients = await TestClients.connect();
    [gateway, orderService] = await ServiceProcess.startAll(['gateway', 'order-service']);
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), orderService?.stop()]);
    await clients?.close();
  });

  const buyAll = (activityId: number, prefix: string, n: number) =>
    Promise.all(range(n).map((i) => purchase(gateway.url, activityId, `${prefix}-${i}`)));
  const live = async (activityId: number) =>
    (await clients.orders(activityId)).filter((o) => o.status === 'PENDING' || o.status === 'PAID');

  it('when Redis loses all its data in the middle of a sale, then the activity is rebuilt from PostgreSQL and the sale sells exactly its stock', async () => {
    const activity = await createActivity(gateway.url, { stock: 20 });
    const early = await buyAll(activity.id, `early-${activity.id}`, 8);
    expect(early.every((r) => r.status === 202)).toBe(true);
    await eventually(async () => expect(await clients.orders(activity.id)).toHaveLength(8));

    await clients.redis.flushall();

    // The sale goes on by itself: no command, no restart.
    await eventually(
      async () =>
        expect((await purchase(gateway.url, activity.id, `late-${activity.id}-first`)).status).toBe(202),
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    // The buyers came back with the orders: an early buyer still holds one.
    const again = await purchase(gateway.url, activity.id, `early-${activity.id}-0`);
    expect(again).toMatchObject({
      status: 409,
      body: { code: 'ALREADY_PURCHASED' },
    });

    const late = await buyAll(activity.id, `late-${activity.id}`, 30);
    expect(late.filter((r) => r.status === 202)).toHaveLength(11);
    expect(late.filter((r) => r.body.code === 'SOLD_OUT')).toHaveLength(19);
    await eventually(async () => expect(await live(activity.id)).toHaveLength(20));
    expect(await clients.remaining(activity.id)).toBe(0);
    await clients.expectReconciled(activity.id);
  });

  it('when Redis comes back behind the ledger (decrements lost), then no order goes past the stock and the refused purchases end FAILED', async () => {
    const activity = await createActivity(gateway.url, { stock: 10 });
    const first = await buyAll(activity.id, `first-${activity.id}`, 6);
    await eventually(async () => expect(await clients.orders(activity.id)).toHaveLength(6));
    // As if Redis restarted from an older AOF: the six reservations and their decrements never happened.
    const k = stockKeys(activity.id);
    await clients.redis
      .multi()
      .set(k.stock, 10)
      .hdel(k.reservations, ...first.map((r) => r.body.orderId!))
      .hdel(k.buyers, ...range(6).map((i) => `first-${activity.id}-${i}`))
      .exec();

    const second = await buyAll(activity.id, `second-${activity.id}`, 10);
    const accepted = second.flatMap((r, i) => (r.status === 202 ? [i] : []));
    expect(accepted.length).toBeGreaterThan(4);

    // The ledger admits only what fits: never more live orders than the stock.
    await eventually(async () => expect(await live(activity.id)).toHaveLength(10), { timeoutMs: 20_000 });
    const results = await eventually(async () => {
      const all = await Promise.all(
        accepted.map((i) => purchaseResult(gateway.url, activity.id, `second-${activity.id}-${i}`)),
      );
      expect(all.every((r) => r.body.status === 'CREATED' || r.body.status === 'FAILED')).toBe(true);
      return all;
    });
    const failed = results.filter((r) => r.body.status === 'FAILED');
    expect(failed).toHaveLength(accepted.length - 4);
    expect(await live(activity.id)).toHaveLength(10);

    await clients.expectReconciled(activity.id);
    const report = await checkInvariants({ redis: clients.redis, db: clients.db, activityId: activity.id });
    expect(report.figures.failedAfterAcceptance).toBe(failed.length);
  });

  it('when an activity is rebuilt by the command, then its stock and buyers come from the live orders', async () => {
    const activity = await createActivity(gateway.url, { stock: 5 });
    await buyAll(activity.id, `cmd-${activity.id}`, 2);
    await eventually(async () => expect(await clients.orders(activity.id)).toHaveLength(2));
    await clients.redis.del(...Object.values(stockKeys(activity.id)));

    const { stdout } = await run(process.execPath, [REBUILD, String(activity.id)], { env: process.env });
    expect(stdout).toMatch(new RegExp(`activity ${activity.id} rebuilt: remaining 3`));
    expect(await clients.remaining(activity.id)).toBe(3);
    expect((await purchase(gateway.url, activity.id, `cmd-${activity.id}-1`)).body.code).toBe(
      'ALREADY_PURCHASED',
    );
    await clients.expectReconciled(activity.id);

    await expect(run(process.execPath, [REBUILD, 'nope'], { env: process.env })).rejects.toMatchObject({
      code: 2,
    });
  });
});
