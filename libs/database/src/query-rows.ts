import { DataSource, QueryRunner } from 'typeorm';

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

/** One statement of a transaction: its rows, whatever the command (as queryRows). */
export type TransactionQuery = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Runs `work` in one transaction: committed if it returns, rolled back if it throws. */
export async function inTransaction<R>(
  db: DataSource,
  work: (query: TransactionQuery) => Promise<R>,
): Promise<R> {
  const runner = db.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    const result = await work(runnerQuery(runner));
    await runner.commitTransaction();
    return result;
  } catch (err) {
    await runner.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
  }
}

/** Where a table module's statement runs: on the pool (a statement of its own) or in an open transaction. */
export type Sql = DataSource | TransactionQuery;

/** One statement's rows on `on` (see queryRows). */
export function rowsOf<T>(on: Sql, sql: string, params: unknown[] = []): Promise<T[]> {
  return typeof on === 'function' ? on<T>(sql, params) : queryRows<T>(on, sql, params);
}

/** Older than `$1` milliseconds (a grace), by the database's clock. */
export const PAST_GRACE = `< now() - $1 * interval '1 millisecond'`;

/**
 * A backstop's backlog: the rows `select` … `where` finds whose `at` is older than `graceMs` (younger ones
 * are still in the hands of the first attempt), oldest first, at most `limit`.
 */
export function pastGrace<T>(
  q: Sql,
  select: string,
  where: string,
  at: string,
  graceMs: number,
  limit: number,
) {
  return rowsOf<T>(q, `${select} WHERE ${where} AND ${at} ${PAST_GRACE} ORDER BY ${at} LIMIT $2`, [
    graceMs,
    limit,
  ]);
}

/** The statements of an open QueryRunner transaction, as a TransactionQuery. */
export function runnerQuery(runner: QueryRunner): TransactionQuery {
  return async <T>(sql: string, params: unknown[] = []) =>
    (await runner.query(sql, params, true)).records as T[];
}
