import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
import { APP_CONFIG, AppConfig } from '@app/config';
import { HealthRegistry } from '@app/observability';
import { ensureTopics } from './ensure-topics';
import { KAFKA } from './kafka.client';

/**
 * Creates every topic explicitly at startup (kafkajs cannot subscribe to a topic that does not exist yet)
 * and probes the cluster for `/health`.
 */
@Injectable()
export class KafkaAdminService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(KafkaAdminService.name);
  private readonly admin: Admin;
  private probe?: Promise<unknown>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    health: HealthRegistry,
  ) {
    this.admin = kafka.admin();
    // One probe in flight at a time: while the broker is down, health calls must not pile up retries.
    health.register(
      'kafka',
      () => (this.probe ??= this.admin.describeCluster().finally(() => (this.probe = undefined))),
    );
  }

  async onModuleInit(): Promise<void> {
    await this.admin.connect();
    const created = await ensureTopics(this.admin, this.config);
    if (created.length > 0) this.logger.log({ msg: 'topics created', topics: created });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }
}
