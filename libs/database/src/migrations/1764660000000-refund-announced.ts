import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `payments.refund_announced_at`: set once PAYMENT_REFUNDED is on Kafka. A refund commits first and is
 * announced after, so a crash or a Kafka outage in between leaves a REFUNDED payment unannounced; the
 * order-service's backstop finds those by this index and announces them (at least once, as ORDER_PAID).
 */
export class RefundAnnounced1764660000000 implements MigrationInterface {
  name = 'RefundAnnounced1764660000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE payments ADD COLUMN refund_announced_at timestamptz');
    // Refunds made before this column existed were announced by the code of their time.
    await q.query(`UPDATE payments SET refund_announced_at = refunded_at WHERE status = 'REFUNDED'`);
    await q.query(`CREATE INDEX payments_refund_unannounced ON payments (refunded_at)
      WHERE status = 'REFUNDED' AND refund_announced_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX payments_refund_unannounced');
    await q.query('ALTER TABLE payments DROP COLUMN refund_announced_at');
  }
}
