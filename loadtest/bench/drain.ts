import { Client } from 'pg';

export interface Drain {
  /** orders persisted for the activity when the wait ended */
  persisted: number;
  /** from the last admission (202 at the load generator) to the last order row (created_at), s; null if never complete */
  drainS: number | null;
  /** cumulative persisted orders over time: [ms since the load run's first send, rows so far] */
  curve: [number, number][];
}

/**
 * Peak shaving, measured: the gateway admitted `admitted` purchases, the last one at `lastAdmissionAt`
 * (epoch ms); wait until that many order rows exist, then read when each was written. created_at is
 * set by the order-service's INSERT (now()), on the same clock as the load generator's.
 */
export async function measureDrain(
  databaseUrl: string,
  activityId: number,
  admitted: number,
  t0: number,
  lastAdmissionAt: number,
  timeoutMs = 120_000,
): Promise<Drain> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let persisted = 0;
    for (;;) {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM orders WHERE activity_id = $1', [
        activityId,
      ]);
      persisted = rows[0].n;
      if (persisted >= admitted || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { rows } = await db.query<{ t: number }>(
      'SELECT (extract(epoch FROM created_at) * 1000)::float8 AS t FROM orders WHERE activity_id = $1 ORDER BY created_at',
      [activityId],
    );
    const curve = rows.map((r, i): [number, number] => [Math.round(r.t - t0), i + 1]);
    const lastRow = rows.length ? rows[rows.length - 1].t : NaN;
    const complete = persisted >= admitted;
    return {
      persisted,
      drainS: complete ? Math.max(0, Math.round(lastRow - lastAdmissionAt) / 1000) : null,
      curve,
    };
  } finally {
    await db.end();
  }
}
