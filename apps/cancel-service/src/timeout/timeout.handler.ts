import { Inject, Injectable, Logger } from '@nestjs/common';
import { KafkaMessage, Message } from 'kafkajs';
import { APP_CONFIG, AppConfig } from '@app/config';
import { OrderTimeoutMessage, timeoutTopic } from '@app/contracts';
import { DeadLetterPublisher, KafkaProducerService } from '@app/kafka';
import { CORRELATION_HEADER, counter } from '@app/observability';
import { CancellationService } from '../cancellation/cancellation.service';
import { HopStep, ReadyPlan, TimeoutSource, notDueStep } from './timeout-plan';

const hopsSent = counter('order_timeout_hops_total', 'Timeout messages moved to another delay level', [
  'level',
]);

/**
 * The hops of one chunk of messages, sent together: one produce request per level instead of one per
 * message (a timeout may hop several times on its way down the levels, so hops are the bulk of the
 * traffic). Each hop keeps the key (so it stays with its order's other messages), the correlation id,
 * and the very same bytes unless its due time itself moved.
 */
class HopBatch {
  private readonly logger = new Logger(HopBatch.name);
  private readonly byLevel = new Map<number, { message: Message; index: number }[]>();

  add(
    index: number,
    source: KafkaMessage,
    timeout: OrderTimeoutMessage,
    step: HopStep,
    correlationId?: string,
  ) {
    const value =
      step.dueAt === timeout.dueAt ? source.value : JSON.stringify({ ...timeout, dueAt: step.dueAt });
    const message: Message = {
      key: source.key ?? timeout.orderId,
      value,
      headers: correlationId ? { [CORRELATION_HEADER]: correlationId } : undefined,
    };
    const level = this.byLevel.get(step.level);
    if (level) level.push({ message, index });
    else this.byLevel.set(step.level, [{ message, index }]);
  }

  /** Sends every hop; returns the indexes of the messages whose hop could not be sent. */
  async flush(producer: KafkaProducerService): Promise<number[]> {
    const failed: number[] = [];
    await Promise.all(
      [...this.byLevel].map(async ([level, entries]) => {
        try {
          await producer.send(
            timeoutTopic(level),
            entries.map((e) => e.message),
          );
          hopsSent.inc({ level: String(level) }, entries.length);
        } catch (err) {
          this.logger.warn({ msg: 'hop failed', delayLevel: level, count: entries.length, err: String(err) });
          failed.push(...entries.map((e) => e.index));
        }
      }),
    );
    this.byLevel.clear();
    return failed;
  }
}

/** Carries out the ready messages of a partition, a chunk at a time. */
@Injectable()
export class TimeoutHandler {
  private readonly logger = new Logger(TimeoutHandler.name);
  private readonly levels: readonly number[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly cancellation: CancellationService,
    private readonly producer: KafkaProducerService,
    private readonly deadLetters: DeadLetterPublisher,
  ) {
    this.levels = config.TIMEOUT_DELAY_LEVELS_SECONDS;
  }

  /**
   * Carries out a chunk of ready plans: dead letters and hops as they come, every cancellation of the
   * chunk in one batch (duplicates of an order share its outcome).
   * @returns how many plans, from the start, are done (and may be resolved): all of them unless one
   * failed, and then those before the first failure.
   */
  async execute(source: TimeoutSource, plans: ReadyPlan[]): Promise<number> {
    const failed = new Set<number>();
    const hops = new HopBatch();
    const cancels: { index: number; plan: Extract<ReadyPlan, { kind: 'cancel' }> }[] = [];
    for (const [index, plan] of plans.entries()) {
      if (plan.kind === 'cancel') cancels.push({ index, plan });
      else if (plan.kind === 'hop')
        hops.add(index, plan.message, plan.timeout, plan.step, correlationOf(plan));
      else await this.deadLetter(source, plan.message, plan.reason, index, failed);
    }
    if (cancels.length > 0) {
      try {
        const correlations = new Map<string, string>();
        for (const { plan } of cancels) {
          const id = correlationOf(plan);
          if (id) correlations.set(plan.timeout.orderId, id);
        }
        const outcomes = await this.cancellation.cancelMany(
          cancels.map((c) => c.plan.timeout.orderId),
          'timeout',
          correlations,
        );
        for (const { index, plan } of cancels) {
          const outcome = outcomes.get(plan.timeout.orderId)!;
          if (outcome.result === 'not-found') {
            const reason = `order ${plan.timeout.orderId} does not exist`;
            await this.deadLetter(source, plan.message, reason, index, failed);
          } else if (outcome.result === 'not-due') {
            // Due by our clock, not by the database's: keep the timeout alive rather than drop it.
            this.logger.warn({ msg: 'timeout before expiry', orderId: plan.timeout.orderId, ...outcome });
            const step = notDueStep(outcome.remainingMs, Date.now(), this.levels);
            hops.add(index, plan.message, plan.timeout, step, correlationOf(plan));
          }
        }
      } catch (err) {
        this.logger.warn({
          msg: 'timeouts failed, will retry',
          ...source,
          count: cancels.length,
          err: String(err),
        });
        for (const { index } of cancels) failed.add(index);
      }
    }
    for (const i of await hops.flush(this.producer)) failed.add(i);
    const firstFailed = plans.findIndex((_, i) => failed.has(i));
    return firstFailed === -1 ? plans.length : firstFailed;
  }

  private async deadLetter(
    source: TimeoutSource,
    message: KafkaMessage,
    reason: string,
    index: number,
    failed: Set<number>,
  ): Promise<void> {
    try {
      await this.deadLetters.send(source.topic, source.partition, message, reason);
    } catch (err) {
      this.logger.warn({
        msg: 'dead letter failed, will retry',
        ...source,
        offset: message.offset,
        err: String(err),
      });
      failed.add(index);
    }
  }
}

function correlationOf(plan: { message: KafkaMessage }): string | undefined {
  const raw = plan.message.headers?.[CORRELATION_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.toString();
}
