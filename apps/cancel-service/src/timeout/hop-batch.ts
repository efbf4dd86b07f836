import { Logger } from '@nestjs/common';
import { KafkaMessage, Message } from 'kafkajs';
import { OrderTimeoutMessage, timeoutTopic } from '@app/contracts';
import { KafkaProducerService } from '@app/kafka';
import { CORRELATION_HEADER, counter } from '@app/observability';
import { HopStep } from './timeout-step';

const hops = counter('order_timeout_hops_total', 'Timeout messages moved to another delay level', ['level']);

/**
 * The hops of one chunk of messages, sent together: one produce request per level instead of one per
 * message (a timeout may hop several times on its way down the levels, so hops are the bulk of the
 * traffic). Each hop keeps the key (so it stays with its order's other messages), the correlation id,
 * and the very same bytes unless its due time itself moved.
 */
export class HopBatch {
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
          hops.inc({ level: String(level) }, entries.length);
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
