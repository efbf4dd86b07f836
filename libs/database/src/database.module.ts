import { Injectable, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { HealthRegistry, ObservabilityModule } from '@app/observability';
import { dataSourceOptions } from './data-source';

@Injectable()
class DatabaseHealth {
  constructor(dataSource: DataSource, health: HealthRegistry) {
    health.register('postgres', () => dataSource.query('SELECT 1'));
  }
}

/** TypeORM owns the pool: connected on init, closed on shutdown. */
@Module({
  imports: [
    ObservabilityModule,
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config),
        retryAttempts: 3,
        retryDelay: 1_000,
      }),
    }),
  ],
  providers: [DatabaseHealth],
  exports: [TypeOrmModule],
})
export class DatabaseModule {}
