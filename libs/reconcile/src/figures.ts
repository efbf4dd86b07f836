import { ORDER_STATUSES, OrderStatus } from '@app/database';
import { RESERVATION_STATES, ReservationState } from '@app/stock';
import { Snapshot } from './snapshot';

export interface Tally {
  count: number;
  quantity: number;
}

/** The numbers a reader needs to see why a check passed or failed; plain JSON for `--json`. */
export interface Figures {
  activityId: number;
  initialStock: number;
  perUserLimit: number;
  /** Redis remaining stock; null when the key is missing */
  remaining: number | null;
  /** PENDING + PAID quantity: what the sale has given away */
  sold: number;
  orders: Record<OrderStatus, Tally>;
  reservations: Record<ReservationState, Tally>;
  /** reservations in R or T: stock taken, order not written yet */
  inFlight: number;
  /**
   * Reservations in F: purchases answered 202 that ended FAILED on /result, because Redis lost writes it
   * had acknowledged (the ledger refused them, or Redis lost their reservation). The admitted exception
   * to invariant 4 (no lost order): reported, not a breach.
   */
  failedAfterAcceptance: number;
  /** the activity's Redis state was rebuilt from PostgreSQL this many times */
  rebuilds: number;
  /** PENDING orders whose expires_at is older than now − grace */
  overduePending: number;
  /** CANCELLED orders whose stock is not yet recorded as given back */
  awaitingRelease: number;
  /** Redis changed while PostgreSQL was read, so Redis and PostgreSQL may disagree for a moment */
  redisMoved: boolean;
  /**
   * Money still moving: refunds requested within the grace, and payments the provider captured whose
   * callback the shop has not applied yet (its row missing or CREATED)
   */
  moneyInFlight: number;
}

export interface EvaluationTime {
  now: Date;
  graceMs: number;
}

const tallies = <K extends string>(keys: readonly K[]): Record<K, Tally> =>
  Object.fromEntries(keys.map((k) => [k, { count: 0, quantity: 0 }])) as Record<K, Tally>;

export function computeFigures(s: Snapshot, { now, graceMs }: EvaluationTime, redisMoved: boolean): Figures {
  const orders = tallies(ORDER_STATUSES);
  for (const o of s.orders) {
    orders[o.status].count += 1;
    orders[o.status].quantity += o.quantity;
  }
  const reservations = tallies(Object.values(RESERVATION_STATES));
  for (const r of s.before.reservations.values()) {
    reservations[r.state].count += 1;
    reservations[r.state].quantity += r.quantity;
  }
  const overdueBefore = now.getTime() - graceMs;
  return {
    activityId: s.activity.id,
    initialStock: s.activity.stock,
    perUserLimit: s.activity.perUserLimit,
    remaining: s.before.remaining,
    sold: orders.PENDING.quantity + orders.PAID.quantity,
    orders,
    reservations,
    inFlight: reservations.R.count + reservations.T.count,
    failedAfterAcceptance: reservations.F.count,
    rebuilds: s.activity.rebuilds,
    overduePending: s.orders.filter((o) => o.status === 'PENDING' && o.expiresAt.getTime() < overdueBefore)
      .length,
    awaitingRelease: s.orders.filter((o) => o.status === 'CANCELLED' && o.stockReleasedAt === null).length,
    redisMoved,
    moneyInFlight: moneyInFlight(s, overdueBefore),
  };
}

function moneyInFlight(s: Snapshot, overdueBefore: number): number {
  const shop = new Map(s.payments.map((p) => [p.id, p.status]));
  const refunding = s.payments.filter(
    (p) => p.status === 'REFUND_PENDING' && (p.refundRequestedAt?.getTime() ?? 0) >= overdueBefore,
  ).length;
  const orderIds = new Set(s.orders.map((o) => o.id));
  const unapplied = (s.statement.lines ?? []).filter((l) => {
    const status = shop.get(l.id);
    return (
      orderIds.has(l.reference) && l.capturedAmount > 0 && (status === undefined || status === 'CREATED')
    );
  }).length;
  return refunding + unapplied;
}

/**
 * Quiet: nothing is left for the services to do, so conservation must hold exactly.
 * Under load it is never quiet; after the last buyer and the last timeout it should be within seconds.
 */
export function isQuiet(f: Figures): boolean {
  return (
    f.inFlight === 0 &&
    f.overduePending === 0 &&
    f.awaitingRelease === 0 &&
    !f.redisMoved &&
    f.moneyInFlight === 0
  );
}
