import { Attempt } from './chaos-spike';

/** Every attempt's answer by status and code ("202", "503 UNAVAILABLE", "timeout", …). */
export function tally(attempts: Attempt[]): Record<string, number> {
  const answers: Record<string, number> = {};
  for (const a of attempts) answers[answerKey(a)] = (answers[answerKey(a)] ?? 0) + 1;
  return answers;
}

const answerKey = (a: Attempt) => (a.code ? `${a.status} ${a.code}` : String(a.status));

/** 202 order ids, and orders named by ALREADY_PURCHASED, each with the buyer told so. */
export function promised(attempts: Attempt[]): Map<string, string> {
  const byOrder = new Map<string, string>();
  for (const a of attempts)
    if (a.orderId && (a.status === 202 || a.code === 'ALREADY_PURCHASED')) byOrder.set(a.orderId, a.userId);
  return byOrder;
}

/** Order ids are UUIDv7: their first 48 bits are the millisecond the gateway reserved the stock. */
export const reservedAt = (orderId: string) => parseInt(orderId.replace(/-/g, '').slice(0, 12), 16);

const saidNothingTaken = (a: Attempt) =>
  typeof a.status === 'number' && a.status >= 400 && a.code !== 'ALREADY_PURCHASED';

/**
 * For each buyer whose first answers all said nothing was taken (503, or a refusal other than
 * ALREADY_PURCHASED): when the last of them arrived. None of that buyer's requests was in flight before,
 * so a reservation made by then was made by a request answered "nothing taken". The judge excuses only
 * one the buyer was told of afterwards: a retry with the same Idempotency-Key that reached Redis before the
 * attempt was abandoned is answered 202 with that very order (the key's first outcome), and it stands.
 */
export function toldNothingTakenUntil(attempts: Attempt[]): Map<string, number> {
  const byBuyer = new Map<string, Attempt[]>();
  for (const a of attempts) byBuyer.set(a.userId, [...(byBuyer.get(a.userId) ?? []), a]);
  const until = new Map<string, number>();
  for (const [userId, tries] of byBuyer)
    for (const a of tries.sort((x, y) => x.n - y.n)) {
      if (!saidNothingTaken(a)) break;
      until.set(userId, a.startedAt + a.ms);
    }
  return until;
}
