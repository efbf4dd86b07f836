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

  /** Messages of `topics` not yet committed by `groupId` (the backlog a consumer group has to work off). */
  async consumerLag(groupId: string, topics: string[]): Promise<number> {
    const [ends, committed] = await Promise.all([
      Promise.all(
        topics.map(async (topic) => ({ topic, partitions: await this.admin.fetchTopicOffsets(topic) })),
      ),
      this.admin.fetchOffsets({ groupId, topics }),
    ]);
    let lag = 0;
    for (const { topic, partitions } of ends) {
      const done = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const p of partitions) {
        const offset = Number(done.find((d) => d.partition === p.partition)?.offset ?? -1);
        // No commit yet: the whole retained log is still ahead of the group.
        lag += Number(p.high) - (offset >= 0 ? offset : Number(p.low));
      }
    }
    return lag;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }
}
