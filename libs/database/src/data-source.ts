import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '@app/config';
import { ActivityEntity } from './entities/activity.entity';
import { MIGRATIONS } from './migrations';

export const ENTITIES = [ActivityEntity];

/**
 * Every connection runs READ COMMITTED, whatever the database's or the role's default: the ledger's stock
 * check (order-writer.ts) must see, in its INSERT, the orders committed while it waited for the activity's
 * row lock, and READ COMMITTED takes a snapshot per statement (REPEATABLE READ keeps the first, and two
 * writers would both take the last unit). Set at connection start-up (the `options` parameter), so it
 * costs no round trip.
 */
const SESSION_OPTIONS = '-c default_transaction_isolation=read\\ committed';

/** Schema changes only through migrations: `synchronize` stays off everywhere. */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    entities: ENTITIES,
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
