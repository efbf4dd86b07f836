import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dashboard counts an activity's orders by status; the only index on activity_id was partial
 * (PENDING, PAID), so the count of CANCELLED orders read the whole table.
 */
export class OrdersByActivityStatus1764100000000 implements MigrationInterface {
  name = 'OrdersByActivityStatus1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX orders_by_activity_status ON orders (activity_id, status)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX orders_by_activity_status');
  }
}
