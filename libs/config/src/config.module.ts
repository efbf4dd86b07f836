import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './config.schema';
import { loadConfig } from './load-config';

/** Injection token for the validated configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
/** Injection token for the name of the service this process runs (Kafka's client id, logs). */
export const SERVICE_NAME = Symbol('SERVICE_NAME');

/**
 * The one global module: the configuration is a value read by nearly every provider, not a connection,
 * so each module importing it would say nothing. Every module that holds a connection (Redis, PostgreSQL,
 * Kafka, stock) is imported by the modules that use it.
 */
@Global()
@Module({})
export class ConfigModule {
  static forService(service: string): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useFactory: (): AppConfig => loadConfig() },
        { provide: SERVICE_NAME, useValue: service },
      ],
      exports: [APP_CONFIG, SERVICE_NAME],
    };
  }
}
