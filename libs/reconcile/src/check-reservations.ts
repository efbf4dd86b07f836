import { Check, INVARIANT, examples } from './check';
import { CheckContext } from './check-context';

const ids = (rows: { id: string }[]): string[] => rows.map((r) => r.id);

/**
 * 4. Reservations and order rows pair up one to one, by order id, with the same buyer and quantity.
 * Which state goes with which status is invariant 5's business; R/T reservations are in flight and only
 * counted here (conservation fails while any are left).
 */
export function checkNoLostOrder({ snapshot: s, figures: f }: CheckContext): Check {
  const rows = new Map(s.orders.map((o) => [o.id, o]));
  // O or X in the earlier read proves the row was committed before PostgreSQL was read.
  const lost = [...s.before.reservations.values()].filter(
    (r) => (r.state === 'O' || r.state === 'X') && !rows.has(r.orderId),
  );
  // A row's reservation was created before the row (or put back by a rebuild, which holds the ledger
  // still), so the later read must have it; U and F never become a row.
  const phantom = s.orders.filter((o) => {
    const r = s.after.reservations.get(o.id);
    return r === undefined || r.state === 'U' || r.state === 'F';
  });
  const mismatched = s.orders.filter((o) => {
    const r = s.after.reservations.get(o.id);
    return r !== undefined && (r.userId !== o.userId || r.quantity !== o.quantity);
  });
  const ordered = f.reservations.O.count + f.reservations.X.count;
  return {
    name: INVARIANT.noLostOrder,
    ok: lost.length + phantom.length + mismatched.length === 0,
    detail:
      `${ordered} O/X reservations, ${s.orders.length} order rows; ` +
      `${lost.length} lost${examples(lost.map((r) => r.orderId))}, ` +
      `${phantom.length} phantom${examples(ids(phantom))}, ` +
      `${mismatched.length} with another user or quantity${examples(ids(mismatched))}; ` +
      `${f.inFlight} in flight (R/T); ${f.failedAfterAcceptance} accepted (202) and ended FAILED (F)` +
      (f.rebuilds > 0 ? `, Redis rebuilt from the ledger ${f.rebuilds} times` : ''),
  };
}

/**
 * 5. Pay and cancel are exclusive, a cancelled order's stock goes back exactly once (reservation X,
 * stock_released_at set), and a live order never had its stock given back.
 * Both UPDATEs are conditional on PENDING, so a row marked both paid and cancelled would take a broken
 * UPDATE; the way both really win is a paid order whose stock the cancellation path gave back anyway
 * (its reservation released, or its release recorded). Both are counted.
 */
export function checkPayXorCancel({ snapshot: s, now, graceMs }: CheckContext): Check {
  const bothWon = s.orders.filter(
    (o) =>
      (o.status === 'PAID' || o.paidAt !== null) &&
      (o.cancelledAt !== null ||
        o.stockReleasedAt !== null ||
        s.before.reservations.get(o.id)?.state === 'X'),
  );
  // Recorded as released, yet the later Redis read still holds the stock.
  const releaseNotDone = s.orders.filter((o) => {
    const state = s.after.reservations.get(o.id)?.state;
    return (
      o.status === 'CANCELLED' &&
      o.stockReleasedAt !== null &&
      (state === 'R' || state === 'T' || state === 'O')
    );
  });
  // The release follows the cancelling UPDATE at once; one still missing after the grace is stuck.
  const releaseOverdue = s.orders.filter(
    (o) =>
      o.status === 'CANCELLED' &&
      o.stockReleasedAt === null &&
      (o.cancelledAt?.getTime() ?? 0) < now.getTime() - graceMs,
  );
  // X or U in the earlier read: the stock went back before PostgreSQL was read, yet the order is live
  // (a paid one is counted above).
  const liveReleased = s.orders.filter((o) => {
    const state = s.before.reservations.get(o.id)?.state;
    return o.status === 'PENDING' && (state === 'X' || state === 'U');
  });
  return {
    name: INVARIANT.payXorCancel,
    ok: bothWon.length + releaseNotDone.length + releaseOverdue.length + liveReleased.length === 0,
    detail:
      `${bothWon.length} paid yet cancelled or released${examples(ids(bothWon))}, ` +
      `${releaseNotDone.length} cancelled but still reserved in Redis${examples(ids(releaseNotDone))}, ` +
      `${releaseOverdue.length} cancelled > ${graceMs / 1000} s ago and not released${examples(ids(releaseOverdue))}, ` +
      `${liveReleased.length} live but released${examples(ids(liveReleased))}`,
  };
}
