import type { RedisClient } from '@app/redis';
import { DataSource } from 'typeorm';
import { Check } from './check';
import { CheckContext } from './check-context';
import { checkMoney } from './check-money';
import { checkNoOverdueOrder, checkOneLiveOrderPerUser } from './check-orders';
import { StatementSource } from './money-queries';
import { checkNoLostOrder, checkPayXorCancel } from './check-reservations';
import { evaluateRetired, isRetired } from './check-retired';
import { checkConservation, checkNoOversell } from './check-stock';
import { Figures, computeFigures, isQuiet } from './figures';
import { sameRedisView } from './redis-view';
import { Snapshot, readSnapshot } from './snapshot';

/** The grace the timeout path gets past expires_at (and a release past the cancel) before it is a breach. */
export const DEFAULT_GRACE_MS = 5_000;

export interface InvariantReport {
  activityId: number;
  /** every check passed (which includes being quiet: see checkConservation) */
  ok: boolean;
  quiet: boolean;
  checkedAt: string;
  checks: Check[];
  figures: Figures;
}

export interface CheckOptions {
  /** the clock of overdue judgements; defaults to the time of the call */
  now?: Date;
  graceMs?: number;
}

export interface CheckInvariantsInput extends CheckOptions {
  redis: RedisClient;
  db: DataSource;
  activityId: number;
  /** the provider's statement, for invariant 7 (without it, money is judged on the shop's ledger only) */
  statement?: StatementSource;
}

/** Reads one snapshot of the activity and judges the brief's invariants 1–7 on it. */
export async function checkInvariants({
  redis,
  db,
  activityId,
  statement,
  ...options
}: CheckInvariantsInput): Promise<InvariantReport> {
  const snapshot = await readSnapshot(redis, db, activityId, statement);
  if (await isRetired(db, snapshot)) return evaluateRetired(snapshot, options);
  return evaluateSnapshot(snapshot, options);
}

/** Pure: the same snapshot always gives the same report, so a crafted snapshot can exercise any breach. */
export function evaluateSnapshot(
  snapshot: Snapshot,
  { now = new Date(), graceMs = DEFAULT_GRACE_MS }: CheckOptions = {},
): InvariantReport {
  const figures = computeFigures(snapshot, { now, graceMs }, !sameRedisView(snapshot.before, snapshot.after));
  const context: CheckContext = { snapshot, figures, quiet: isQuiet(figures), now, graceMs };
  const checks = [
    checkNoOversell,
    checkConservation,
    checkOneLiveOrderPerUser,
    checkNoLostOrder,
    checkPayXorCancel,
    checkNoOverdueOrder,
    checkMoney,
  ].map((check) => check(context));
  return {
    activityId: snapshot.activity.id,
    ok: checks.every((c) => c.ok),
    quiet: context.quiet,
    checkedAt: now.toISOString(),
    checks,
    figures,
  };
}
