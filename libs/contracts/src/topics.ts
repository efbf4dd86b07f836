/** Kafka topic names: one place, so producers, consumers and topic creation agree. */
export const TOPICS = {
  /** gateway → order-service: one message per admitted purchase, keyed by order id. */
  orderRequests: 'seckill.order-requests',
  /** order lifecycle events (created / paid / cancelled), keyed by order id; any subscriber may listen. */
  orderEvents: 'seckill.order-events',
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
