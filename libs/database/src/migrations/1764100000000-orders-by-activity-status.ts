import { SqlMigration, createIndex } from './sql-migration';

/**
 * The dashboard counts an activity's orders by status; the only index on activity_id was partial
 * (PENDING, PAID), so the count of CANCELLED orders read the whole table.
 */
export class OrdersByActivityStatus1764100000000 extends SqlMigration {
  name = 'OrdersByActivityStatus1764100000000';
  protected readonly sql = createIndex('orders_by_activity_status', 'orders (activity_id, status)');
}
