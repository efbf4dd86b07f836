import { Sql, rowsOf } from '../query-rows';

/** A purchase attempt a gateway answered 503 (nothing taken) and abandoned; see libs/stock's ledger. */
export interface AbandonedAttempt {
  orderId: string;
  activityId: number;
  userId: string;
}

export const abandonedAttemptsTable = {
  /** Recorded once (a second record of the same attempt is a no-op). */
  async record(q: Sql, a: AbandonedAttempt): Promise<void> {
    await rowsOf(
      q,
      `INSERT INTO abandoned_attempts (order_id, activity_id, user_id) VALUES ($1, $2, $3)
       ON CONFLICT (order_id) DO NOTHING`,
      [a.orderId, a.activityId, a.userId],
    );
  },

  /** Which of these order ids were abandoned. */
  async among(q: Sql, orderIds: string[]): Promise<Set<string>> {
    const rows = await rowsOf<{ order_id: string }>(
      q,
      'SELECT order_id FROM abandoned_attempts WHERE order_id = ANY($1::uuid[])',
      [orderIds],
    );
    return new Set(rows.map((r) => r.order_id));
  },

  /** Every attempt of these buyers in this activity that was abandoned, by buyer. */
  async ofBuyers(q: Sql, activityId: number, userIds: string[]): Promise<Map<string, string[]>> {
    const rows = await rowsOf<{ order_id: string; user_id: string }>(
      q,
      'SELECT order_id, user_id FROM abandoned_attempts WHERE activity_id = $1 AND user_id = ANY($2)',
      [activityId, userIds],
    );
    const byBuyer = new Map<string, string[]>();
    for (const r of rows) byBuyer.set(r.user_id, [...(byBuyer.get(r.user_id) ?? []), r.order_id]);
    return byBuyer;
  },
};
