import { SqlMigration } from './sql-migration';

const INDEX = `orders_live_by_activity ON orders (activity_id) INCLUDE (quantity)
  WHERE status IN ('PENDING', 'PAID')`;

/**
 * The index from which every order write summed its activity's live quantity, unused since the triggers
 * keep that quantity (ActivityLiveQuantity1764690000000), and harmful: on an activity whose statistics
 * predate its sale, the planner read it, all the activity's live orders, for each request of a batch that
 * checked its buyer's live order (libs/database/src/tables/orders.table.ts). It also cost every INSERT.
 */
export class DropOrdersLiveByActivity1764700000000 extends SqlMigration {
  name = 'DropOrdersLiveByActivity1764700000000';
  protected readonly sql = {
    up: ['DROP INDEX orders_live_by_activity'],
    down: [`CREATE INDEX ${INDEX}`],
  };
}
