import { SqlMigration, announcedColumn } from './sql-migration';

/**
 * `paid_announced_at`: set once ORDER_PAID is on Kafka. A payment commits first and announces after, so a
 * crash or a Kafka outage in between leaves a PAID order unannounced; the order-service's backstop finds
 * those by this index and announces them (at least once, as every event).
 */
export class PaidAnnounced1764300000000 extends SqlMigration {
  name = 'PaidAnnounced1764300000000';
  protected readonly sql = announcedColumn(
    'orders',
    'paid_announced_at',
    'PAID',
    'paid_at',
    'orders_paid_unannounced',
  );
}
