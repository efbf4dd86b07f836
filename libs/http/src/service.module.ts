import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { KafkaModule } from '@app/kafka';
import { ObservabilityModule } from '@app/observability';
import { RedisModule } from '@app/redis';
import { StockModule } from '@app/stock';

/** What every service stands on: configuration, health and metrics, Redis, PostgreSQL, Kafka, stock. */
@Module({})
export class ServiceModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: ServiceModule,
      imports: [
        ConfigModule,
        ObservabilityModule,
        RedisModule,
        DatabaseModule,
        KafkaModule.forRoot(service),
        StockModule,
      ],
    };
  }
}
