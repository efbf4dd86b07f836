import { Message } from 'kafkajs';
import { CORRELATION_HEADER, currentCorrelationId } from '@app/observability';
import { KafkaProducerService } from './kafka-producer.service';

export interface BatchOptions {
  /** how long to collect messages before a send when none is in flight (0: send at once) */
  lingerMs: number;
  maxBatch: number;
  /** a caller waits at most this long for its ack (the message may still be delivered later) */
  timeoutMs?: number;
  onBatch?: (size: number) => void;
}

interface Pending {
  message: Message;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** A message keyed for per-key order, carrying the current correlation id. */
export function keyedMessage(key: string, value: unknown): Message {
  const correlationId = currentCorrelationId();
  return {
    key,
    value: JSON.stringify(value),
    headers: correlationId ? { [CORRELATION_HEADER]: correlationId } : undefined,
  };
}

/**
 * Micro-batching onto one topic: messages arriving within `lingerMs`, or while the previous send is in
 * flight, go to Kafka in one request, and each caller's promise settles on that request's ack. One send at a
 * time keeps the idempotent producer's ordering and lets batches grow exactly when load does.
 */
export class BatchedSender {
  private queue: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly producer: KafkaProducerService,
    private readonly topic: string,
    private readonly options: BatchOptions,
  ) {}

  send(message: Message): Promise<void> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        fn();
      };
      const deadline =
        this.options.timeoutMs === undefined
          ? undefined
          : setTimeout(
              () => settle(() => reject(new Error('Kafka did not acknowledge in time'))),
              this.options.timeoutMs,
            );
      this.queue.push({
        message,
        resolve: () => settle(resolve),
        reject: (err) => settle(() => reject(err)),
      });
      this.schedule();
    });
  }

  /** Graceful shutdown: whatever was accepted is sent (or fails) before the producer closes. */
  async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    if (this.queue.length > 0) await (this.flushing = this.flush());
  }

  private schedule(): void {
    if (this.flushing) return; // the running flush takes this message too
    if (this.queue.length >= this.options.maxBatch || this.options.lingerMs === 0) {
      clearTimeout(this.timer); // a full batch does not wait for the rest of the linger
      this.timer = undefined;
      this.flushing = this.flush();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush();
    }, this.options.lingerMs);
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.options.onBatch?.(batch.length);
      try {
        await this.producer.send(
          this.topic,
          batch.map((p) => p.message),
        );
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.flushing = undefined;
  }
}
