import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Throughput, round, timed } from './timing';

export interface InsertBench {
  perRow: Throughput;
  multiRow: Throughput & { rowsPerStatement: number };
  ratio: number;
}

/**
 * Why the order-service writes a batch with one multi-row INSERT: rows shaped like `orders`, into a
 * throwaway table, one autocommitted INSERT each (a round trip and a WAL flush per row) vs
 * `rowsPerStatement` rows per INSERT … SELECT FROM unnest(…), the order-service's statement. Dropped afterwards.
 */
export async function benchPgInsert(
  databaseUrl: string,
  { perRow = 2_000, multiRow = 20_000, rowsPerStatement = 1_000 } = {},
): Promise<InsertBench> {
  const db = new Client({ connectionString: databaseUrl });
  const table = `bench_insert_${process.pid}`;
  const columns = '(id, activity_id, user_id, quantity, status, created_at, expires_at)';
  await db.connect();
  try {
    await db.query(`CREATE TABLE ${table} (id uuid PRIMARY KEY, activity_id integer NOT NULL,
      user_id varchar(64) NOT NULL, quantity integer NOT NULL, status varchar(16) NOT NULL,
      created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)`);
    const single = await timed(perRow, async () => {
      for (let i = 0; i < perRow; i++) {
        await db.query(
          `INSERT INTO ${table} ${columns} VALUES ($1, 1, $2, 1, 'PENDING', now(), now() + interval '15 minutes')`,
          [randomUUID(), `single-${i}`],
        );
      }
    });
    const multi = await timed(multiRow, async () => {
      for (let i = 0; i < multiRow; i += rowsPerStatement) {
        const n = Math.min(rowsPerStatement, multiRow - i);
        const ids = Array.from({ length: n }, () => randomUUID());
        await db.query(
          `INSERT INTO ${table} ${columns}
           SELECT r.id, 1, r.user_id, 1, 'PENDING', now(), now() + interval '15 minutes'
           FROM unnest($1::uuid[], $2::varchar[]) AS r(id, user_id) ON CONFLICT DO NOTHING`,
          [ids, ids.map((_, j) => `multi-${i + j}`)],
        );
      }
    });
    return {
      perRow: single,
      multiRow: { ...multi, rowsPerStatement },
      ratio: round(multi.perSecond / single.perSecond, 1),
    };
  } finally {
    await db.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await db.end();
  }
}
