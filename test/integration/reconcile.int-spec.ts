import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { ActivityEntity, OrderEntity, OrderStatus, createDataSource } from '@app/database';
import { ReservationState, stockKeys } from '@app/stock';
import {
  INVARIANT,
  InvariantReport,
  checkInvariants,
  evaluateSnapshot,
  readSnapshot,
} from '../../scripts/reconcile/index';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/scripts/reconcile.js');

describe('reconcile: invariants 1–6 of one activity (real Redis and PostgreSQL)', () => {
  let redis: Redis;
  let db: DataSource;
  const activityIds: number[] = [];

  beforeAll(async () => {
    const config = loadConfig();
    redis = new Redis(config.REDIS_URL);
    db = await createDataSource(config).initialize();
    await db.runMigrations();
  });

  afterAll(async () => {
    for (const id of activityIds) {
      await db.getRepository(OrderEntity).delete({ activityId: id });
      await db.getRepository(ActivityEntity).delete({ id });
      await redis.del(...Object.values(stockKeys(id)));
    }
    await db.destroy();
    await redis.quit();
  });

  /** Puts a reservation record in Redis exactly as the reservation script and its successors leave it. */
  async function reserve(
    activityId: number,
    orderId: string,
    userId: string,
    quantity: number,
    state: ReservationState,
  ) {
    const k = stockKeys(activityId);
    await redis.hset(k.reservations, orderId, `${state}|${userId}|${quantity}|${Date.now()}`);
    await redis.hset(k.buyers, userId, orderId);
  }

  /** An order row and its reservation, in the state the services leave them once done with it. */
  async function addOrder(
    activityId: number,
    userId: string,
    status: OrderStatus,
    quantity = 1,
    state: ReservationState = status === 'CANCELLED' ? 'X' : 'O',
  ): Promise<string> {
    const id = randomUUID();
    const now = new Date();
    await db.getRepository(OrderEntity).insert({
      id,
      activityId,
      userId,
      quantity,
      status,
      createdAt: now,
      expiresAt: new Date(now.getTime() + 30_000),
      paidAt: status === 'PAID' ? now : null,
      cancelledAt: status === 'CANCELLED' ? now : null,
      stockReleasedAt: status === 'CANCELLED' ? now : null,
    });
    await reserve(activityId, id, userId, quantity, state);
    return id;
  }

  /**
   * A finished sale of 10 items that adds up: alice PENDING 2, bob PAID 1, carol CANCELLED 1 (released),
   * dave's reservation undone (never an order). Remaining 10 − 3 = 7.
   */
  async function seedConsistentSale() {
    const activity = await db.getRepository(ActivityEntity).save({
      name: 'reconcile spec',
      stock: 10,
      startsAt: new Date(Date.now() - 60_000),
      endsAt: new Date(Date.now() + 60_000),
      perUserLimit: 2,
      payTimeoutSeconds: 30,
    });
    const id = activity.id;
    activityIds.push(id);
    const alice = await addOrder(id, 'alice', 'PENDING', 2);
    const bob = await addOrder(id, 'bob', 'PAID');
    const carol = await addOrder(id, 'carol', 'CANCELLED');
    await reserve(id, randomUUID(), 'dave', 1, 'U');
    await redis.set(stockKeys(id).stock, 7);
    return { id, orders: { alice, bob, carol } };
  }

  const check = (activityId: number) => checkInvariants({ redis, db, activityId });
  const failed = (report: InvariantReport) => report.checks.filter((c) => !c.ok).map((c) => c.name);

  it('when every order matches its reservation and the stock adds up, then every invariant holds', async () => {
    const sale = await seedConsistentSale();
    const report = await check(sale.id);
    expect(failed(report)).toEqual([]);
    expect(report).toMatchObject({ ok: true, quiet: true });
    expect(report.figures).toMatchObject({
      initialStock: 10,
      remaining: 7,
      sold: 3,
      orders: {
        PENDING: { count: 1, quantity: 2 },
        PAID: { count: 1, quantity: 1 },
        CANCELLED: { count: 1 },
      },
      reservations: { R: { count: 0 }, T: { count: 0 }, O: { count: 2 }, X: { count: 1 }, U: { count: 1 } },
    });
  });

  it('when an attempt was abandoned before its script ran (a quantity-0 tombstone), then every invariant still holds', async () => {
    const sale = await seedConsistentSale();
    // What StockStore.abandon leaves after a lost reply (e.g. a Redis failover): no buyer entry, quantity 0.
    await redis.hset(stockKeys(sale.id).reservations, randomUUID(), `U|erin|0|${Date.now()}`);
    expect(failed(await check(sale.id))).toEqual([]);
  });

  it('when the live orders exceed the activity stock, then no oversell fails', async () => {
    const sale = await seedConsistentSale();
    for (const user of ['e1', 'e2', 'e3', 'e4']) await addOrder(sale.id, user, 'PAID', 2);
    expect(failed(await check(sale.id))).toEqual([INVARIANT.noOversell, INVARIANT.conservation]);
  });

  it('when Redis remaining stock is below zero, then no oversell fails', async () => {
    const sale = await seedConsistentSale();
    await redis.set(stockKeys(sale.id).stock, -1);
    expect(failed(await check(sale.id))).toEqual([INVARIANT.noOversell, INVARIANT.conservation]);
  });

  it.each([
    ['leaked (too low)', 6],
    ['given back twice (too high)', 8],
  ])('when Redis remaining stock was %s, then conservation fails', async (_, remaining) => {
    const sale = await seedConsistentSale();
    await redis.set(stockKeys(sale.id).stock, remaining);
    const report = await check(sale.id);
    expect(failed(report)).toEqual([INVARIANT.conservation]);
    expect(report.checks[1].detail).toContain(`remaining ${remaining} + sold 3`);
  });

  it('when the database reports two live orders for one buyer, then one live order per user fails', async () => {
    const sale = await seedConsistentSale();
    // The unique partial index refuses a second live row for a buyer (that is what it is for), and
    // dropping it would break the suites that run alongside. So the snapshot is real and only the
    // database's answer to the GROUP BY … HAVING count(*) > 1 question is crafted.
    const snapshot = await readSnapshot(redis, db, sale.id);
    snapshot.usersWithSeveralLiveOrders.push({ userId: 'alice', count: 2 });
    const report = evaluateSnapshot(snapshot);
    expect(failed(report)).toEqual([INVARIANT.oneLiveOrderPerUser]);
    expect(report.checks[2].detail).toContain('1 users with >1 live order (e.g. alice)');
  });

  it('when Redis holds a second live reservation for a buyer, then one live order per user fails', async () => {
    const sale = await seedConsistentSale();
    await reserve(sale.id, randomUUID(), 'alice', 1, 'R');
    await redis.set(stockKeys(sale.id).stock, 6);
    const report = await check(sale.id);
    // The second reservation is also in flight, so the sale is not quiet and conservation cannot pass.
    expect(failed(report)).toEqual([INVARIANT.conservation, INVARIANT.oneLiveOrderPerUser]);
    expect(report.quiet).toBe(false);
  });

  it('when a reservation was ordered but no order row exists, then no lost order fails', async () => {
    const sale = await seedConsistentSale();
    const lost = randomUUID();
    await reserve(sale.id, lost, 'frank', 1, 'O');
    await redis.set(stockKeys(sale.id).stock, 6);
    const report = await check(sale.id);
    expect(failed(report)).toEqual([INVARIANT.conservation, INVARIANT.noLostOrder]);
    expect(report.checks[3].detail).toContain(`1 lost (e.g. ${lost})`);
  });

  it('when an order row has no reservation, then no lost order fails as a phantom', async () => {
    const sale = await seedConsistentSale();
    const phantom = await addOrder(sale.id, 'ghost', 'PENDING');
    await redis.hdel(stockKeys(sale.id).reservations, phantom);
    await redis.set(stockKeys(sale.id).stock, 6);
    const report = await check(sale.id);
    expect(failed(report)).toEqual([INVARIANT.noLostOrder]);
    expect(report.checks[3].detail).toContain(`1 phantom (e.g. ${phantom})`);
  });

  it('when a cancelled order is recorded as released but Redis still holds its stock, then release fails', async () => {
    const sale = await seedConsistentSale();
    await reserve(sale.id, sale.orders.carol, 'carol', 1, 'O');
    await redis.set(stockKeys(sale.id).stock, 6);
    const report = await check(sale.id);
    expect(failed(report)).toEqual([INVARIANT.conservation, INVARIANT.payXorCancel]);
    expect(report.checks[4].detail).toContain(
      `1 cancelled but still reserved in Redis (e.g. ${sale.orders.carol})`,
    );
  });

  it('when a PENDING order is long past expires_at, then no overdue order fails and the sale is not quiet', async () => {
    const sale = await seedConsistentSale();
    await db
      .getRepository(OrderEntity)
      .update({ id: sale.orders.alice }, { expiresAt: new Date(Date.now() - 60_000) });
    const report = await check(sale.id);
    expect(failed(report)).toEqual([INVARIANT.conservation, INVARIANT.noOverdueOrder]);
    expect(report.quiet).toBe(false);
    expect(report.figures.overduePending).toBe(1);
  });

  describe('the reconcile command', () => {
    /** Runs the built CLI as `npm run reconcile` would; resolves with its exit code whatever it is. */
    function reconcile(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        execFile(process.execPath, [CLI, ...args], { cwd: ROOT }, (err, stdout, stderr) => {
          if (err && typeof err.code !== 'number') return reject(err);
          resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
        });
      });
    }

    beforeAll(() => {
      // `npm test` builds before running jest; run alone, this suite needs `npm run build` first.
      if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    });

    it('when the sale adds up, then it prints every check ticked and exits 0', async () => {
      const sale = await seedConsistentSale();
      const { code, stdout } = await reconcile(String(sale.id), '--settle', '5');
      expect(stdout).toContain(`✓ ${INVARIANT.conservation}: remaining 7 + sold 3 = 10 = stock 10`);
      expect(stdout).toContain('OK: invariants 1–6 hold');
      expect(code).toBe(0);
    });

    it('when asked for JSON, then it prints the report as JSON', async () => {
      const sale = await seedConsistentSale();
      const { code, stdout } = await reconcile(String(sale.id), '--json');
      expect(JSON.parse(stdout)).toMatchObject({ activityId: sale.id, ok: true, quiet: true });
      expect(code).toBe(0);
    });

    it('when stock leaked, then it prints the failed check and exits 1', async () => {
      const sale = await seedConsistentSale();
      await redis.set(stockKeys(sale.id).stock, 6);
      const { code, stdout } = await reconcile(String(sale.id), '--settle', '5');
      expect(stdout).toContain(`✗ ${INVARIANT.conservation}`);
      expect(stdout).toContain('BREACH: 1 of 6 checks failed');
      expect(code).toBe(1);
    });

    it('when the activity does not exist or the id is not one, then it exits 2', async () => {
      await expect(reconcile('2147483647')).resolves.toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/does not exist/),
      });
      await expect(reconcile('not-an-id')).resolves.toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/usage/),
      });
    });
  });
});
