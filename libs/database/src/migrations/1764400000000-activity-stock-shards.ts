import { SqlMigration, addColumn } from './sql-migration';

/**
 * Hot-item stock shards (docs/architecture.md, decision 12): how many sub-stocks the activity's stock is
 * split into in Redis. The ledger stays per activity (the stock check sums every order of the activity);
 * the count is kept here so that a rebuild from the ledger puts the stock back into the same shards.
 */
export class ActivityStockShards1764400000000 extends SqlMigration {
  name = 'ActivityStockShards1764400000000';
  protected readonly sql = addColumn(
    'activities',
    'stock_shards integer NOT NULL DEFAULT 1 CHECK (stock_shards BETWEEN 1 AND 16)',
  );
}
