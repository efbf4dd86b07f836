/** Kafka topic names: one place, so producers, consumers and topic creation agree. */
export const TOPICS = {
  /** gateway → order-service: one message per admitted purchase, keyed by order id. */
  orderRequests: 'seckill.order-requests',
  /**
   * order lifecycle events (created / paid / cancelled) and payment events (refund requested / refunded),
   * keyed by order id; any subscriber may listen.
   */
  orderEvents: 'seckill.order-events',
  /** order-service → its refund worker: give a captured payment back (the saga's compensation), keyed by payment id. */
  paymentRefunds: 'seckill.payment-refunds',
  /** malformed or unprocessable messages, with the reason, so a partition is never blocked. */
  deadLetter: 'seckill.dead-letter',
} as const;

/** Every message of a delay-level topic waits the same time, so each partition is ordered by due time. */
export function timeoutTopic(delaySeconds: number): string {
  return `seckill.order-timeouts.${delaySeconds}s`;
}

export function allTopics(delayLevelsSeconds: readonly number[]): string[] {
  return [...Object.values(TOPICS), ...delayLevelsSeconds.map(timeoutTopic)];
}

/**
 * The delay level for a wait of `remainingMs`: the longest level that does not overshoot it by more than
 * a little (2 %, at least 100 ms; the consumer never fires before the message's own due time anyway, so a
 * slight overshoot only saves hops), or the shortest level when even that one is too long. A message hops
 * level to level until due, so a long timeout never sits in front of a short one.
 */
export function delayLevelFor(remainingMs: number, levelsSeconds: readonly number[]): number {
  const sorted = [...levelsSeconds].sort((a, b) => a - b);
  const reach = remainingMs + Math.max(100, remainingMs * 0.02);
  let chosen = sorted[0];
  for (const level of sorted) if (level * 1000 <= reach) chosen = level;
  return chosen;
}
