import { Message } from 'kafkajs';
import { CORRELATION_HEADER, currentCorrelationId } from '@app/observability';
import { KafkaProducerService } from './kafka-producer.service';

export interface BatchOptions<T = Message> {
  /** how long to collect messages before a send when none is in flight (0: send at once) */
  lingerMs: number;
  maxBatch: number;
  /** a caller of send() waits at most this long; a message still queued then is dropped, not sent late */
  timeoutMs?: number;
  /** messages held at most; past it send() fails at once and offer() returns false (default: unbounded) */
  maxQueue?: number;
  onBatch?: (size: number) => void;
  /** a batch the producer failed to send (after its own retries), with the messages that are lost */
  onFailure?: (err: unknown, messages: T[]) => void;
  /**
   * The records one batch is sent as (default: each message its own record). Packing a batch into one
   * record saves the producer's per-record work (encoding, checksum, partitioner) for every message after
   * the first; its consumer must unpack it.
   */
  pack?: (messages: T[]) => Message[];
}

interface Pending<T> {
  message: T;
  /** set once the caller has its answer (sent, failed or timed out); a settled entry is never sent */
  settled: boolean;
  resolve?: () => void;
  reject?: (err: unknown) => void;
}

/** A message keyed for per-key order, carrying a correlation id (the current one unless given). */
export function keyedMessage(key: string, value: unknown, correlationId = currentCorrelationId()): Message {
  return {
    key,
    value: JSON.stringify(value),
    headers: correlationId ? { [CORRELATION_HEADER]: correlationId } : undefined,
  };
}

export class QueueFullError extends Error {
  constructor(topic: string) {
    super(`the send queue of ${topic} is full`);
  }
}

/**
 * Micro-batching onto one topic: messages arriving within `lingerMs`, or while the previous send is in
 * flight, go to Kafka in one request. One send at a time lets batches grow exactly when load does.
 * `send` settles on the ack; `offer` is fire-and-forget for messages that have a backstop elsewhere
 * (the gateway's order requests: recovery re-publishes any reservation that never became an order).
 */
export class BatchedSender<T = Message> {
  private queue: Pending<T>[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly producer: KafkaProducerService,
    private readonly topic: string,
    private readonly options: BatchOptions<T>,
  ) {}

  /** Messages waiting for a send (not counting the one in flight). */
  get queued(): number {
    return this.queue.length;
  }

  send(message: T): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.full()) return reject(new QueueFullError(this.topic));
      const entry: Pending<T> = { message, settled: false };
      const deadline =
        this.options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              entry.settled = true; // still queued: flush() skips it; in flight: its ack is ignored
              reject(new Error('Kafka did not acknowledge in time'));
            }, this.options.timeoutMs);
      entry.resolve = () => (clearTimeout(deadline), resolve());
      entry.reject = (err) => (clearTimeout(deadline), reject(err));
      this.enqueue(entry);
    });
  }

  /** Queues a message nobody waits for; false (nothing queued) when the queue is full. */
  offer(message: T): boolean {
    if (this.full()) return false;
    this.enqueue({ message, settled: false });
    return true;
  }

  /** Graceful shutdown: whatever was accepted is sent (or fails) before the producer closes. */
  async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    if (this.queue.length > 0) await (this.flushing = this.flush());
  }

  private full(): boolean {
    return this.options.maxQueue !== undefined && this.queue.length >= this.options.maxQueue;
  }

  private enqueue(entry: Pending<T>): void {
    this.queue.push(entry);
    if (this.flushing) return; // the running flush takes this message too
    if (this.queue.length >= this.options.maxBatch || this.options.lingerMs === 0) {
      clearTimeout(this.timer); // a full batch does not wait for the rest of the linger
      this.timer = undefined;
      this.flushing = this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush();
    }, this.options.lingerMs);
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch).filter((p) => !p.settled);
      if (batch.length === 0) continue;
      this.options.onBatch?.(batch.length);
      const messages = batch.map((p) => p.message);
      try {
        const records = this.options.pack ? this.options.pack(messages) : (messages as unknown as Message[]);
        await this.producer.send(this.topic, records);
        for (const p of batch) settle(p)?.resolve?.();
      } catch (err) {
        this.options.onFailure?.(err, messages);
        for (const p of batch) settle(p)?.reject?.(err);
      }
    }
    this.flushing = undefined;
  }
}

/** The entry, unless its caller already had an answer (timed out). */
function settle<T>(p: Pending<T>): Pending<T> | undefined {
  if (p.settled) return undefined;
  p.settled = true;
  return p;
}
