import { DataSource } from 'typeorm';

/**
 * Runs one SQL statement and returns its rows, whatever the command: TypeORM's `DataSource.query`
 * returns `[rows, count]` for UPDATE … RETURNING but plain rows for SELECT, which is easy to get wrong.
 */
export async function queryRows<T>(db: DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  const runner = db.createQueryRunner();
  try {
    return (await runner.query(sql, params, true)).records as T[];
  } finally {
    await runner.release();
  }
}
