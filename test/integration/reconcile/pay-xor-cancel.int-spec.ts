import { randomUUID } from 'node:crypto';
import { setOrderTime } from '../../support/order-rows';
import { stockKeys } from '@app/stock';
import { INVARIANT } from '@app/reconcile';
import { ReconcileFixtures, failedChecks } from '../../support/reconcile-fixtures';

// Invariant 5 asked so that it can fail, and the 202s that ended FAILED (Redis lost acknowledged writes).
describe('reconcile: pay xor cancel and FAILED purchases (real Redis and PostgreSQL)', () => {
  const fixtures = ReconcileFixtures.forSpec();

  it('when a paid order had its stock given back by the cancellation path, then pay xor cancel fails', async () => {
    const sale = await fixtures.seedConsistentSale();
    // What a release run on a PAID order leaves: the reservation X, the unit back, the release recorded.
    await fixtures.reserve(sale.id, sale.orders.bob, 'bob', 1, 'X');
    await fixtures.redis.set(stockKeys(sale.id).stock, 8);
    await setOrderTime(fixtures.db, sale.orders.bob, 'stock_released_at', new Date());
    const report = await fixtures.check(sale.id);
    expect(failedChecks(report)).toContain(INVARIANT.payXorCancel);
    expect(report.checks[4].detail).toContain(`1 paid yet cancelled or released (e.g. ${sale.orders.bob})`);
  });

  it('when a row says both paid and cancelled, then pay xor cancel fails', async () => {
    const sale = await fixtures.seedConsistentSale();
    await setOrderTime(fixtures.db, sale.orders.carol, 'paid_at', new Date());
    const report = await fixtures.check(sale.id);
    expect(failedChecks(report)).toEqual([INVARIANT.payXorCancel]);
    expect(report.checks[4].detail).toContain(`1 paid yet cancelled or released (e.g. ${sale.orders.carol})`);
  });

  it('when the ledger refused accepted purchases, then they are counted as FAILED, not as a breach', async () => {
    const sale = await fixtures.seedConsistentSale();
    await fixtures.reserve(sale.id, randomUUID(), 'erin', 1, 'F');
    const report = await fixtures.check(sale.id);
    expect(failedChecks(report)).toEqual([]);
    expect(report.figures).toMatchObject({ failedAfterAcceptance: 1, reservations: { F: { count: 1 } } });
  });

  it('when an order row has a FAILED reservation, then no lost order fails (F never becomes a row)', async () => {
    const sale = await fixtures.seedConsistentSale();
    await fixtures.reserve(sale.id, sale.orders.alice, 'alice', 2, 'F');
    await fixtures.redis.incrby(stockKeys(sale.id).stock, 2);
    expect(failedChecks(await fixtures.check(sale.id))).toContain(INVARIANT.noLostOrder);
  });
});
