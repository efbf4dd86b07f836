import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { setOrderTime } from '../../support/order-rows';
import { stockKeys } from '@app/stock';
import { INVARIANT, InvariantReport, checkInvariants } from '@app/reconcile';
import { ReconcileFixtures } from '../../support/reconcile-fixtures';

// Invariant 5 asked so that it can fail, and the 202s that ended FAILED (Redis lost acknowledged writes).
describe('reconcile: pay xor cancel and FAILED purchases (real Redis and PostgreSQL)', () => {
  let fixtures: ReconcileFixtures;
  let redis: Redis;
  let db: DataSource;

  beforeAll(async () => {
    fixtures = await ReconcileFixtures.open();
    ({ redis, db } = fixtures);
  });

  afterAll(() => fixtures.close());

  const seedConsistentSale = () => fixtures.seedConsistentSale();
  const reserve = (...args: Parameters<ReconcileFixtures['reserve']>) => fixtures.reserve(...args);
  const check = (activityId: number) => checkInvariants({ redis, db, activityId });
  const failed = (report: InvariantReport) => report.checks.filter((c) => !c.ok).map((c) => c.name);

  it('when a paid order had its stock given back by the cancellation path, then pay xor cancel fails', async () => {
    const sale = await seedConsistentSale();
    // What a release run on a PAID order leaves: the reservation X, the unit back, the release recorded.
    await reserve(sale.id, sale.orders.bob, 'bob', 1, 'X');
    await redis.set(stockKeys(sale.id).stock, 8);
    await setOrderTime(db, sale.orders.bob, 'stock_released_at', new Date());
    const report = await check(sale.id);
    expect(failed(report)).toContain(INVARIANT.payXorCancel);
    expect(report.checks[4].detail).toContain(`1 paid yet cancelled or released (e.g. ${sale.orders.bob})`);
  });

  it('when a row says both paid and cancelled, then pay xor cancel fails', async () => {
    const sale = await seedConsistentSale();
    await setOrderTime(db, sale.orders.carol, 'paid_at', new Date());
    const report = await check(sale.id);
    expect(failed(report)).toEqual([INVARIANT.payXorCancel]);
    expect(report.checks[4].detail).toContain(`1 paid yet cancelled or released (e.g. ${sale.orders.carol})`);
  });

  it('when the ledger refused accepted purchases, then they are counted as FAILED, not as a breach', async () => {
    const sale = await seedConsistentSale();
    await reserve(sale.id, randomUUID(), 'erin', 1, 'F');
    const report = await check(sale.id);
    expect(failed(report)).toEqual([]);
    expect(report.figures).toMatchObject({ failedAfterAcceptance: 1, reservations: { F: { count: 1 } } });
  });

  it('when an order row has a FAILED reservation, then no lost order fails (F never becomes a row)', async () => {
    const sale = await seedConsistentSale();
    await reserve(sale.id, sale.orders.alice, 'alice', 2, 'F');
    await redis.incrby(stockKeys(sale.id).stock, 2);
    expect(failed(await check(sale.id))).toContain(INVARIANT.noLostOrder);
  });
});
