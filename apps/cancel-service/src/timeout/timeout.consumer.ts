import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Consumer, EachBatchPayload } from 'kafkajs';
import { APP_CONFIG, AppConfig } from '@app/config';
import { timeoutTopic } from '@app/contracts';
import { KafkaConsumerFactory, subscribeWhenKnown } from '@app/kafka';
import { gauge } from '@app/observability';
import { ReadyPlan, planTimeout } from './timeout-plan';
import { TimeoutHandler } from './timeout.handler';

/** After a failure (database, Redis or Kafka down), the partition retries this much later; others go on. */
const RETRY_AFTER_MS = 1_000;
/**
 * A resumed partition is fetched with the next fetch request, and a fetch waits up to this long for
 * data on the other partitions. kafkajs' default (5 s) would make every wake-up up to 5 s late.
 */
const MAX_FETCH_WAIT_MS = 100;
/** Partitions handled at once: cancellations are I/O-bound, and a slow one should not hold the rest. */
const PARTITIONS_CONCURRENTLY = 4;
/** Ready messages carried out together (cancellations in one batch, hops in one produce), then resolved. */
const CHUNK_SIZE = 2_000;
/**
 * kafkajs fetches again only when every batch of the previous fetch is handled, so one long batch
 * would delay the wake-ups of all other partitions. Past this budget the rest of the batch is left
 * unresolved, to be fetched again with everyone else.
 */
const BATCH_BUDGET_MS = 200;

/** setTimeout cannot wait longer than this (about 24.8 days); longer waits are re-armed on wake-up. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const pausedPartitions = gauge(
  'order_timeout_partitions_paused',
  'Delay-level partitions waiting for their head',
);

/**
 * The wake-up timers of paused delay-level partitions. Sleeping inside the batch handler would stall
 * the consumer and get it evicted from the group; instead the partition is paused and resumed later,
 * and kafkajs fetches it again from the last resolved offset, so the waiting message comes back.
 */
class PartitionPauses {
  private readonly logger = new Logger(PartitionPauses.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** @param pause the eachBatch `pause()`: pauses this batch's partition and returns its resume. */
  pauseUntil(topic: string, partition: number, until: number, pause: () => () => void): void {
    const key = `${topic}|${partition}`;
    clearTimeout(this.timers.get(key));
    const resume = pause();
    const delay = Math.min(Math.max(0, until - Date.now()), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      pausedPartitions.set(this.timers.size);
      try {
        resume();
      } catch (err) {
        // The consumer stopped or lost the partition meanwhile; whoever owns it now fetches it anyway.
        this.logger.debug({ msg: 'resume skipped', topic, partition, err: (err as Error).message });
      }
    }, delay);
    timer.unref(); // a wake-up alone must not keep the process alive
    this.timers.set(key, timer);
    pausedPartitions.set(this.timers.size);
    this.logger.debug({ msg: 'partition paused', topic, partition, resumeInMs: delay });
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    pausedPartitions.set(0);
  }
}

/**
 * Consumes every delay-level topic. Each partition is ordered by ready time, so only its head matters:
 * not ready → pause the partition until it is, without resolving it (kafkajs fetches it again after the
 * resume); ready → carry it out, then resolve. Offsets are committed only past messages whose work is done.
 */
@Injectable()
export class TimeoutConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TimeoutConsumer.name);
  private readonly consumer: Consumer;
  private readonly levels: readonly number[];
  private readonly levelByTopic: Map<string, number>;
  private readonly pauses = new PartitionPauses();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    consumers: KafkaConsumerFactory,
    private readonly handler: TimeoutHandler,
  ) {
    this.levels = config.TIMEOUT_DELAY_LEVELS_SECONDS;
    this.levelByTopic = new Map(this.levels.map((l) => [timeoutTopic(l), l]));
    this.consumer = consumers.create({ groupId: 'cancel-service', maxWaitTimeInMs: MAX_FETCH_WAIT_MS });
  }

  // After every module's init: the topics are created by the Kafka module's own init.
  async onApplicationBootstrap(): Promise<void> {
    const topics = [...this.levelByTopic.keys()];
    await this.consumer.connect();
    // From the beginning: timeouts produced before this service first ran must still fire.
    await subscribeWhenKnown(this.consumer, { topics, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false, // or kafkajs would resolve (skip) the messages we leave waiting
      partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    this.logger.log({ msg: 'consuming timeouts', topics });
  }

  /** Drains the batch in flight while Redis and PostgreSQL are still up; the factory disconnects later. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    this.pauses.clear(); // after the stop: the last batch may have paused its partition
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, pause, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const source = { topic, partition, levelSeconds: this.levelByTopic.get(topic) ?? 0 };
    const deadline = Date.now() + BATCH_BUDGET_MS;
    let chunk: ReadyPlan[] = [];

    /** Carries out the chunk and resolves what was done; false when the partition must stop here. */
    const flush = async (): Promise<boolean> => {
      if (chunk.length === 0) return true;
      if (!isRunning() || isStale()) return false; // shutting down or rebalanced: leave it unresolved
      const plans = chunk;
      chunk = [];
      const done = await this.handler.execute(source, plans);
      if (done > 0) resolveOffset(plans[done - 1].message.offset);
      await heartbeat();
      if (done === plans.length) return true;
      this.pauses.pauseUntil(topic, partition, Date.now() + RETRY_AFTER_MS, pause);
      return false;
    };

    for (const message of batch.messages) {
      const plan = planTimeout(source, message, Date.now(), this.levels);
      if (plan.kind === 'wait') {
        if (await flush()) this.pauses.pauseUntil(topic, partition, plan.until, pause);
        return;
      }
      chunk.push(plan);
      if (chunk.length < CHUNK_SIZE) continue;
      if (!(await flush()) || Date.now() > deadline) return;
    }
    await flush();
  }
}
