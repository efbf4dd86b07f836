import { isLive } from '@app/stock';
import { Check, INVARIANT, examples } from './check';
import { CheckContext } from './check-context';

/**
 * 3. One live order per buyer, asked three ways: the database (GROUP BY, which the unique index should keep
 * empty), Redis (the reservation script admits one live reservation per buyer), and the per-user limit
 * (most items one buyer may take in their one live order).
 */
export function checkOneLiveOrderPerUser({ snapshot: s }: CheckContext): Check {
  const severalOrders = s.usersWithSeveralLiveOrders.map((u) => u.userId);

  const liveReservations = new Map<string, number>();
  for (const r of s.before.reservations.values()) {
    if (isLive(r.state)) liveReservations.set(r.userId, (liveReservations.get(r.userId) ?? 0) + 1);
  }
  const severalReservations = [...liveReservations].filter(([, n]) => n > 1).map(([user]) => user);

  const overLimit = s.orders
    .filter((o) => (o.status === 'PENDING' || o.status === 'PAID') && o.quantity > s.activity.perUserLimit)
    .map((o) => o.userId);

  return {
    name: INVARIANT.oneLiveOrderPerUser,
    ok: severalOrders.length + severalReservations.length + overLimit.length === 0,
    detail:
      `${severalOrders.length} users with >1 live order${examples(severalOrders)}, ` +
      `${severalReservations.length} with >1 live reservation${examples(severalReservations)}, ` +
      `${overLimit.length} over the per-user limit ${s.activity.perUserLimit}${examples(overLimit)}`,
  };
}

/** 6. The timeout message, or else the sweeper, cancels an unpaid order within seconds of expires_at. */
export function checkNoOverdueOrder({ snapshot: s, now, graceMs }: CheckContext): Check {
  const overdueBefore = now.getTime() - graceMs;
  const overdue = s.orders.filter((o) => o.status === 'PENDING' && o.expiresAt.getTime() < overdueBefore);
  const oldest = Math.min(...overdue.map((o) => o.expiresAt.getTime()));
  const late = overdue.length > 0 ? `, the oldest ${Math.round((now.getTime() - oldest) / 1000)} s past` : '';
  return {
    name: INVARIANT.noOverdueOrder,
    ok: overdue.length === 0,
    detail:
      `${overdue.length} PENDING orders past expires_at + ${graceMs / 1000} s grace${late}` +
      examples(overdue.map((o) => o.id)),
  };
}
