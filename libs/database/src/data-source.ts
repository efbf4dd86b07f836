import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '@app/config';
import { MIGRATIONS } from './migrations';

/**
 * Every connection runs READ COMMITTED, whatever the database's or the role's default: the ledger's stock
 * check (order-writer.ts) must see, in its INSERT, the orders committed while it waited for the activity's
 * row lock, and READ COMMITTED takes a snapshot per statement (REPEATABLE READ keeps the first, and two
 * writers would both take the last unit). Set at connection start-up (the `options` parameter), so it
 * costs no round trip.
 */
const SESSION_OPTIONS = '-c default_transaction_isolation=read\\ committed';

/**
 * TypeORM owns the pool, the migrations and the transactions; the SQL lives in one module per table
 * (./tables), so there are no entities. Schema changes only through migrations: `synchronize` stays off.
 */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    entities: [],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    extra: { max: config.DATABASE_POOL_SIZE, connectionTimeoutMillis: 3_000, options: SESSION_OPTIONS },
  };
}

export function createDataSource(config: AppConfig): DataSource {
  return new DataSource(dataSourceOptions(config));
}
