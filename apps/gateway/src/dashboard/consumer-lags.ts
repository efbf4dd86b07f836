import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, timeoutTopic } from '@app/contracts';
import { APP_CONFIG, AppConfig } from '@app/config';
import { KafkaAdminService } from '@app/kafka';

/** Timeout messages cancel-service has not committed yet, in the two states a reader must not confuse. */
export interface TimeoutLag {
  /** their level's delay has passed since they were produced: work cancel-service has not done yet */
  due: number;
  /** still waiting out their delay: every unpaid order's timeout sits here until then, normally */
  scheduled: number;
}

/**
 * The backlogs of the consumer groups a sale depends on, read from Kafka's offsets (never its messages).
 * A timeout message is due once its level's delay has passed since it was produced: every message of a
 * delay-level topic waits the same time, so the messages produced before `now - delay` are the due ones.
 * (The consumer may take one a little earlier, at its own due time, when that comes first.)
 */
@Injectable()
export class ConsumerLags {
  private readonly levels: { topic: string; delayMs: number }[];

  constructor(
    private readonly kafka: KafkaAdminService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.levels = config.TIMEOUT_DELAY_LEVELS_SECONDS.map((s) => ({
      topic: timeoutTopic(s),
      delayMs: s * 1000,
    }));
  }

  /** Order requests the order-service has not written yet. */
  orderRequests(): Promise<number> {
    return this.kafka.consumerLag('order-service', [TOPICS.orderRequests]);
  }

  async timeouts(now = Date.now()): Promise<TimeoutLag> {
    const lag = await this.kafka.consumerLagSplit(
      'cancel-service',
      this.levels.map(({ topic, delayMs }) => ({ topic, at: now - delayMs })),
    );
    return { due: lag.before, scheduled: lag.since };
  }
}
