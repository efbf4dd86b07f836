import { MigrationInterface, QueryRunner } from 'typeorm';

/** What a migration runs: `up`'s statements in order, and `down`'s, which undo them. */
export interface Statements {
  up: readonly string[];
  down: readonly string[];
}

/**
 * A migration that is only SQL. Each keeps its class and its `name` (TypeORM records an applied migration
 * by that name) and says its statements, often with one of the steps below.
 */
export abstract class SqlMigration implements MigrationInterface {
  abstract readonly name: string;
  protected abstract readonly sql: Statements;

  async up(q: QueryRunner): Promise<void> {
    for (const statement of this.sql.up) await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const statement of this.sql.down) await q.query(statement);
  }
}

/** A column, given as its definition (`name type constraints…`); dropped on the way down. */
export function addColumn(table: string, definition: string): Statements {
  const column = definition.split(' ')[0];
  return {
    up: [`ALTER TABLE ${table} ADD COLUMN ${definition}`],
    down: [`ALTER TABLE ${table} DROP COLUMN ${column}`],
  };
}

/** An index (`on`: the table and its columns). */
export function createIndex(index: string, on: string): Statements {
  return { up: [`CREATE INDEX ${index} ON ${on}`], down: [`DROP INDEX ${index}`] };
}

/**
 * The `…_announced_at` column of an event announced after its change commits (ORDER_PAID, PAYMENT_REFUNDED):
 * empty until the event is on Kafka, and a partial index by which the backstop finds the rows in `status`
 * still unannounced, by the time of their change (`changedAt`).
 */
export function announcedColumn(
  table: string,
  column: string,
  status: string,
  changedAt: string,
  index: string,
): Statements {
  return {
    up: [
      `ALTER TABLE ${table} ADD COLUMN ${column} timestamptz`,
      // Rows changed before this column existed were announced by the code of their time.
      `UPDATE ${table} SET ${column} = ${changedAt} WHERE status = '${status}'`,
      `CREATE INDEX ${index} ON ${table} (${changedAt})
      WHERE status = '${status}' AND ${column} IS NULL`,
    ],
    down: [`DROP INDEX ${index}`, `ALTER TABLE ${table} DROP COLUMN ${column}`],
  };
}
