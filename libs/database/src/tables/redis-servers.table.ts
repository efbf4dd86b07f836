import { Sql, rowsOf } from '../query-rows';

/** The Redis servers (by run id) whose state is known to be as good as the ledger's. */
export const redisServersTable = {
  /** Which of these run ids are known. */
  async known(q: Sql, runIds: string[]): Promise<string[]> {
    const rows = await rowsOf<{ run_id: string }>(
      q,
      'SELECT run_id FROM redis_servers WHERE run_id = ANY($1)',
      [runIds],
    );
    return rows.map((r) => r.run_id);
  },

  async remember(q: Sql, runIds: string[]): Promise<void> {
    await rowsOf(
      q,
      'INSERT INTO redis_servers (run_id) SELECT unnest($1::varchar[]) ON CONFLICT (run_id) DO NOTHING',
      [runIds],
    );
  },
};
