import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PostgreSQL as the ledger of the stock (docs/architecture.md, "PostgreSQL is the ledger"):
 * - `rebuilds` counts the times the activity's Redis state was rebuilt from its orders. The order writer
 *   compares it, under the activity's row lock, with the count its reservations were taken under: a
 *   rebuild in between means Redis may no longer hold them.
 * - the live quantity of one activity, summed by every order write, is read from this index alone
 *   (an index-only scan) rather than from the table.
 */
export class ActivityLedger1764200000000 implements MigrationInterface {
  name = 'ActivityLedger1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE activities ADD COLUMN rebuilds integer NOT NULL DEFAULT 0');
    await q.query(`CREATE INDEX orders_live_by_activity ON orders (activity_id) INCLUDE (quantity)
      WHERE status IN ('PENDING', 'PAID')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX orders_live_by_activity');
    await q.query('ALTER TABLE activities DROP COLUMN rebuilds');
  }
}
