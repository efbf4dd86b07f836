import { Inject, Injectable, Logger } from '@nestjs/common';
import { IHeaders, KafkaMessage } from 'kafkajs';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DeadLetterPublisher, KafkaProducerService } from '@app/kafka';
import { CORRELATION_HEADER, withCorrelation } from '@app/observability';
import { CancellationService } from '../cancellation/cancellation.service';
import { HopBatch } from './hop-batch';
import { ReadyPlan, TimeoutPlan, TimeoutSource, planTimeout } from './timeout-plan';
import { notDueStep } from './timeout-step';

/**
 * Carries out the ready messages of a partition, a chunk at a time. Messages of different orders are
 * independent, so they run concurrently; messages of the same order (duplicates) run one after the
 * other, so a duplicate finds the first one's work complete instead of racing it.
 */
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

  plan(source: TimeoutSource, message: KafkaMessage): TimeoutPlan {
    return planTimeout(source, message, Date.now(), this.levels);
  }

  /**
   * @returns how many plans, from the start, are done (and may be resolved): all of them unless one
   * failed, and then those before the first failure.
   */
  async execute(source: TimeoutSource, plans: ReadyPlan[]): Promise<number> {
    const failed = new Set<number>();
    const hops = new HopBatch();
    const byOrder = new Map<string, number[]>();
    plans.forEach((plan, i) => {
      const key = plan.kind === 'dead-letter' ? `#${i}` : plan.timeout.orderId;
      byOrder.set(key, [...(byOrder.get(key) ?? []), i]);
    });
    await Promise.all(
      [...byOrder.values()].map(async (indexes) => {
        for (const [n, i] of indexes.entries()) {
          try {
            await this.run(source, plans[i], i, hops);
          } catch (err) {
            const { offset } = plans[i].message;
            this.logger.warn({ msg: 'timeout failed, will retry', ...source, offset, err: String(err) });
            indexes.slice(n).forEach((j) => failed.add(j)); // the order's later messages wait for it
            return;
          }
        }
      }),
    );
    for (const i of await hops.flush(this.producer)) failed.add(i);
    const firstFailed = plans.findIndex((_, i) => failed.has(i));
    return firstFailed === -1 ? plans.length : firstFailed;
  }

  private async run(source: TimeoutSource, plan: ReadyPlan, index: number, hops: HopBatch): Promise<void> {
    if (plan.kind === 'dead-letter') {
      return this.deadLetters.send(source.topic, source.partition, plan.message, plan.reason);
    }
    const correlationId = correlationOf(plan.message.headers);
    await withCorrelation(correlationId, async () => {
      const { message, timeout } = plan;
      if (plan.kind === 'hop') return hops.add(index, message, timeout, plan.step, correlationId);
      const outcome = await this.cancellation.cancel(timeout.orderId, 'timeout');
      if (outcome.result === 'not-found') {
        const reason = `order ${timeout.orderId} does not exist`;
        await this.deadLetters.send(source.topic, source.partition, message, reason);
      } else if (outcome.result === 'not-due') {
        // Due by our clock, not by the database's: keep the timeout alive rather than drop it.
        this.logger.warn({ msg: 'timeout before expiry', orderId: timeout.orderId, ...outcome });
        const step = notDueStep(outcome.remainingMs, Date.now(), this.levels);
        hops.add(index, message, timeout, step, correlationId);
      }
    });
  }
}

function correlationOf(headers: IHeaders | undefined): string | undefined {
  const raw = headers?.[CORRELATION_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.toString();
}
