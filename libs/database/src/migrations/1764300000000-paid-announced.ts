import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `paid_announced_at`: set once ORDER_PAID is on Kafka. A payment commits first and announces after, so a
 * crash or a Kafka outage in between leaves a PAID order unannounced; the order-service's backstop finds
 * those by this index and announces them (at least once, as every event).
 */
export class PaidAnnounced1764300000000 implements MigrationInterface {
  name = 'PaidAnnounced1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders ADD COLUMN paid_announced_at timestamptz');
    // Orders paid before this column existed were announced by the code of their time.
    await q.query(`UPDATE orders SET paid_announced_at = paid_at WHERE status = 'PAID'`);
    await q.query(`CREATE INDEX orders_paid_unannounced ON orders (paid_at)
      WHERE status = 'PAID' AND paid_announced_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX orders_paid_unannounced');
    await q.query('ALTER TABLE orders DROP COLUMN paid_announced_at');
  }
}
