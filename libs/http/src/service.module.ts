import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@app/config';
import { ObservabilityModule } from '@app/observability';

/**
 * The root of every service: its configuration (global) and its /health and /metrics. The modules that
 * hold connections (RedisModule, DatabaseModule, KafkaModule, StockModule) are imported by the feature
 * modules that use them, so each module's imports say what it stands on.
 */
@Module({})
export class ServiceModule {
  static forRoot(service: string): DynamicModule {
    return { module: ServiceModule, imports: [ConfigModule.forService(service), ObservabilityModule] };
  }
}
