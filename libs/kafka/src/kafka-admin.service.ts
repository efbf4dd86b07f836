import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
import { APP_CONFIG, AppConfig } from '@app/config';
import { HealthRegistry } from '@app/observability';
import { backlogSplit } from './backlog-split';
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
    const lag = await this.consumerLagSplit(
      groupId,
      topics.map((topic) => ({ topic, at: 0 })),
    );
    return lag.before + lag.since;
  }

  /**
   * The same backlog, split by when its messages were produced: `before` the topic's `at` (epoch ms) or
   * `since` then. Kafka's index by timestamp finds the first offset produced at `at` or later in each
   * partition, so the split costs one more offset request per topic and never reads a message.
   */
  async consumerLagSplit(
    groupId: string,
    topics: { topic: string; at: number }[],
  ): Promise<{ before: number; since: number }> {
    const [ends, splits, committed] = await Promise.all([
      Promise.all(topics.map(({ topic }) => this.admin.fetchTopicOffsets(topic))),
      Promise.all(
        topics.map(({ topic, at }) => (at > 0 ? this.admin.fetchTopicOffsetsByTimestamp(topic, at) : [])),
      ),
      this.admin.fetchOffsets({ groupId, topics: topics.map((t) => t.topic) }),
    ]);
    const lag = { before: 0, since: 0 };
    topics.forEach(({ topic }, i) => {
      const done = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const p of ends[i]) {
        const offset = Number(done.find((d) => d.partition === p.partition)?.offset ?? -1);
        const split = splits[i].find((s) => s.partition === p.partition);
        const part = backlogSplit({
          // No commit yet: the whole retained log is still ahead of the group.
          from: offset >= 0 ? offset : Number(p.low),
          to: Number(p.high),
          split: split ? Number(split.offset) : Number(p.low),
        });
        lag.before += part.before;
        lag.since += part.since;
      }
    });
    return lag;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }
}
