import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hot-item stock shards (docs/architecture.md, decision 12): how many sub-stocks the activity's stock is
 * split into in Redis. The ledger stays per activity (the stock check sums every order of the activity);
 * the count is kept here so that a rebuild from the ledger puts the stock back into the same shards.
 */
export class ActivityStockShards1764400000000 implements MigrationInterface {
  name = 'ActivityStockShards1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE activities ADD COLUMN stock_shards integer NOT NULL DEFAULT 1 CHECK (stock_shards BETWEEN 1 AND 16)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE activities DROP COLUMN stock_shards');
  }
}
