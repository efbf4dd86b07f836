import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '@app/config';
import { ActivityEntity } from './entities/activity.entity';
import { OrderEntity } from './entities/order.entity';
import { MIGRATIONS } from './migrations';

export const ENTITIES = [ActivityEntity, OrderEntity];

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
    extra: { max: config.DATABASE_POOL_SIZE, connectionTimeoutMillis: 3_000 },
  };
}

export function createDataSource(config: AppConfig): DataSource {
  return new DataSource(dataSourceOptions(config));
}
