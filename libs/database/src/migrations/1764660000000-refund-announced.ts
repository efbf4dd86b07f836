import { SqlMigration, announcedColumn } from './sql-migration';

/**
 * `payments.refund_announced_at`: set once PAYMENT_REFUNDED is on Kafka. A refund commits first and is
 * announced after, so a crash or a Kafka outage in between leaves a REFUNDED payment unannounced; the
 * order-service's backstop finds those by this index and announces them (at least once, as ORDER_PAID).
 */
export class RefundAnnounced1764660000000 extends SqlMigration {
  name = 'RefundAnnounced1764660000000';
  protected readonly sql = announcedColumn(
    'payments',
    'refund_announced_at',
    'REFUNDED',
    'refunded_at',
    'payments_refund_unannounced',
  );
}
