import { DataSource } from 'typeorm';
import { activitiesTable } from '@app/database';
import { Check, INVARIANT } from './check';
import { CheckContext } from './check-context';
import { checkMoney } from './check-money';
import { checkNoOverdueOrder, checkOneLiveOrderPerUser } from './check-orders';
import { computeFigures } from './figures';
import type { CheckOptions, InvariantReport } from './check-invariants';
import { Snapshot } from './snapshot';

/**
 * A finished activity whose Redis keys have expired (ACTIVITY_RETENTION_SECONDS after its end and pay
 * timeout): no stock and no reservation left in Redis, and every pay timeout is over. Its invariants are
 * then judged from the ledger alone — what PostgreSQL guarantees by itself.
 */
export async function isRetired(db: DataSource, s: Snapshot): Promise<boolean> {
  const empty = (v: Snapshot['before']) => v.remaining === null && v.reservations.size === 0;
  if (!empty(s.before) || !empty(s.after)) return false;
  return activitiesTable.isSettled(db, s.activity.id);
}

/** The seven invariants of a retired activity, from PostgreSQL (and the provider's statement) only. */
export function evaluateRetired(
  s: Snapshot,
  { now = new Date(), graceMs = 5_000 }: CheckOptions,
): InvariantReport {
  const figures = computeFigures(s, { now, graceMs }, false);
  const context: CheckContext = { snapshot: s, figures, quiet: true, now, graceMs };
  const retired = 'Redis keys retired after the sale; judged from the ledger';
  const withinStock = figures.sold <= figures.initialStock;
  const released = figures.awaitingRelease === 0;
  const checks: Check[] = [
    {
      name: INVARIANT.noOversell,
      ok: withinStock,
      detail: `sold ${figures.sold} ${withinStock ? '≤' : '>'} stock ${figures.initialStock}; ${retired}`,
    },
    {
      name: INVARIANT.conservation,
      ok: withinStock && figures.orders.PENDING.count === 0,
      detail: `${figures.sold} sold, ${figures.initialStock - figures.sold} unsold, ${figures.orders.PENDING.count} PENDING; ${retired}`,
    },
    checkOneLiveOrderPerUser(context),
    {
      name: INVARIANT.noLostOrder,
      ok: true,
      detail: `${s.orders.length} order rows; reservations were compared while the keys lived; ${retired}`,
    },
    {
      name: INVARIANT.payXorCancel,
      ok: released,
      detail: `${figures.awaitingRelease} cancelled orders without their stock release recorded; ${retired}`,
    },
    checkNoOverdueOrder(context),
    checkMoney(context),
  ];
  return {
    activityId: s.activity.id,
    ok: checks.every((c) => c.ok),
    quiet: true,
    checkedAt: now.toISOString(),
    checks,
    figures,
  };
}
