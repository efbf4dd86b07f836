import { Check, INVARIANT, examples } from './check';
import { CheckContext } from './check-context';
import { ProviderLine } from './money-queries';

/** What the money check counted: printed, and part of `--json`. */
export interface MoneyFigures {
  /** payments the shop recorded for the activity's orders, by status */
  payments: Record<string, number>;
  /** PAID orders paid by the synchronous shortcut (no provider payment: orders.payment_id NULL) */
  paidByShortcut: number;
  /** whether the provider's statement was compared, or why not */
  statement: 'compared' | string;
}

export function moneyFigures({ snapshot: s }: CheckContext): MoneyFigures {
  const payments: Record<string, number> = {};
  for (const p of s.payments) payments[p.status] = (payments[p.status] ?? 0) + 1;
  return {
    payments,
    paidByShortcut: s.orders.filter((o) => o.status === 'PAID' && o.paymentId === null).length,
    statement: s.statement.lines ? 'compared' : `not compared (${s.statement.unavailable ?? 'not asked'})`,
  };
}

/**
 * 7. Money: every captured payment belongs to exactly one PAID order or is refunded in full, exactly once;
 * no order is PAID without a captured payment. Judged on the shop's ledger (payments, orders.payment_id)
 * and, when it could be read, on the provider's statement — the provider's word on what it took and gave
 * back, which is what catches a refund made twice or money the shop never heard of. Orders paid by the
 * synchronous shortcut (no provider) are counted apart. A refund in flight is not a breach yet, but the
 * check is not passed either until it is done (as conservation waits for quiet).
 */
export function checkMoney(context: CheckContext): Check {
  const { snapshot: s, now, graceMs } = context;
  const figures = moneyFigures(context);
  const byId = new Map(s.payments.map((p) => [p.id, p]));
  const orders = new Map(s.orders.map((o) => [o.id, o]));

  // PAID by a payment the shop does not hold as captured.
  const paidWithout = s.orders.filter(
    (o) => o.status === 'PAID' && o.paymentId !== null && byId.get(o.paymentId)?.status !== 'CAPTURED',
  );
  // CAPTURED, yet not the payment of a PAID order (the order was paid by another, or not at all).
  const detached = s.payments.filter((p) => {
    const order = orders.get(p.orderId);
    return p.status === 'CAPTURED' && !(order?.status === 'PAID' && order.paymentId === p.id);
  });
  const refundOverdue = s.payments.filter(
    (p) => p.status === 'REFUND_PENDING' && (p.refundRequestedAt?.getTime() ?? 0) < now.getTime() - graceMs,
  );

  const breaches = [
    ...paidWithout.map((o) => o.id),
    ...detached.map((p) => p.id),
    ...refundOverdue.map((p) => p.id),
  ];
  let provider: string;
  if (s.statement.lines) {
    const lines = s.statement.lines.filter((l) => orders.has(l.reference));
    const twice = lines.filter((l) => l.refunds.length > 1);
    const kept = (l: ProviderLine) => {
      const order = orders.get(l.reference);
      return order?.status === 'PAID' && order.paymentId === l.id && l.refunds.length === 0;
    };
    const refundedInFull = (l: ProviderLine) =>
      l.refunds.length === 1 && l.refunds[0].amount === l.capturedAmount;
    const loose = lines.filter((l) => l.capturedAmount > 0 && !kept(l) && !refundedInFull(l));
    // Loose money the shop already knows it must give back is in flight, not lost.
    const lost = loose.filter(
      (l) => byId.get(l.id)?.status !== 'REFUND_PENDING' || refundOverdue.some((p) => p.id === l.id),
    );
    const paidNotCaptured = s.orders.filter(
      (o) =>
        o.status === 'PAID' && o.paymentId !== null && !lines.some((l) => l.id === o.paymentId && kept(l)),
    );
    breaches.push(...twice.map((l) => l.id), ...lost.map((l) => l.id), ...paidNotCaptured.map((o) => o.id));
    const captured = lines.filter((l) => l.capturedAmount > 0).length;
    provider =
      `; provider statement: ${captured} captured, ${lines.filter(refundedInFull).length} refunded in full, ` +
      `${twice.length} refunded more than once${examples(twice.map((l) => l.id))}, ` +
      `${lost.length} captured and neither kept nor refunded${examples(lost.map((l) => l.id))}, ` +
      `${paidNotCaptured.length} PAID without a capture there${examples(paidNotCaptured.map((o) => o.id))}`;
  } else if (s.payments.length > 0) {
    breaches.push('(statement)');
    provider = `; provider statement unavailable (${s.statement.unavailable ?? 'not asked'}), ${s.payments.length} payments unchecked`;
  } else {
    provider = `; ${figures.statement}`;
  }
  const counts = Object.entries(figures.payments)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
  return {
    name: INVARIANT.money,
    ok: breaches.length === 0 && context.figures.moneyInFlight === 0,
    detail:
      `payments: ${counts || 'none'}; ${figures.paidByShortcut} PAID by the shortcut (no provider); ` +
      `${paidWithout.length} PAID without their captured payment${examples(paidWithout.map((o) => o.id))}, ` +
      `${detached.length} captured and attached to no PAID order${examples(detached.map((p) => p.id))}, ` +
      `${refundOverdue.length} refunds overdue${examples(refundOverdue.map((p) => p.id))}, ` +
      `${context.figures.moneyInFlight} payments in flight (refunds or callbacks on the way)` +
      provider,
  };
}
