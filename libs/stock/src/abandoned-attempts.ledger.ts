import { DataSource } from 'typeorm';

export interface AbandonedAttempt {
  orderId: string;
  activityId: number;
  userId: string;
}

/**
 * The durable half of an abandon (abandon.lua is the other): a gateway that lost the reservation script's
 * reply answers 503, "nothing was taken", and records the attempt here first. Redis may lose the abandon
 * itself (a restart from an older AOF, a failover) and bring the reservation back; the order intake then
 * finds the attempt here and abandons it again instead of ordering it.
 */
export async function recordAbandoned(db: DataSource, a: AbandonedAttempt): Promise<void> {
  await db.query(
    `INSERT INTO abandoned_attempts (order_id, activity_id, user_id) VALUES ($1, $2, $3)
     ON CONFLICT (order_id) DO NOTHING`,
    [a.orderId, a.activityId, a.userId],
  );
}

/** Which of these order ids were answered 503 and abandoned. */
export async function abandonedAmong(db: DataSource, orderIds: string[]): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  const rows: { order_id: string }[] = await db.query(
    'SELECT order_id FROM abandoned_attempts WHERE order_id = ANY($1::uuid[])',
    [orderIds],
  );
  return new Set(rows.map((r) => r.order_id));
}
