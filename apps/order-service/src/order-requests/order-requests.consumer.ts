import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { OrderRequestMessage, TOPICS, UnpackedOrderRequest, unpackOrderRequests } from '@app/contracts';
import { DeadLetterPublisher, KafkaConsumerFactory, subscribeWhenKnown } from '@app/kafka';
import { CORRELATION_HEADER, histogram, withCorrelation } from '@app/observability';
import { OrderIntakeService } from './order-intake.service';

/** Order requests per chunk (at least; whole records only: a record's offset is resolved as one). */
const CHUNK = 1_000;
/**
 * A fetch waits for this much (about 200 requests) or for FETCH_WAIT_MS, whichever comes first: under load
 * the intake's fixed costs (a transaction, the Redis calls, a Kafka send and an offset commit per chunk) are
 * shared by more orders, for at most FETCH_WAIT_MS more before an order is written. Its buyer never waits
 * for that: the 202 was answered when the stock was reserved.
 */
const FETCH_MIN_BYTES = 32 * 1024;
const FETCH_WAIT_MS = 40;
const correlationOf = (message: KafkaMessage) => message.headers?.[CORRELATION_HEADER]?.toString();
const batchSeconds = histogram(
  'order_request_batch_seconds',
  'Time to turn one chunk of requests into orders',
);

interface Entry extends UnpackedOrderRequest {
  message: KafkaMessage;
}

/**
 * Consumes order requests in batches (eachBatch). A record holds one request or a packed batch of them
 * (libs/contracts order-request-batch: the gateway's relay packs, recovery re-publishes one by one); each
 * request is validated on its own. Offsets are resolved only after the chunk's orders are committed in
 * PostgreSQL, so a crash anywhere means redelivery, never loss; the intake is idempotent per order, so
 * redelivery means no duplicate.
 */
@Injectable()
export class OrderRequestsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(OrderRequestsConsumer.name);
  private readonly consumer: Consumer;

  constructor(
    factory: KafkaConsumerFactory,
    private readonly intake: OrderIntakeService,
    private readonly deadLetters: DeadLetterPublisher,
  ) {
    this.consumer = factory.create({
      groupId: 'order-service',
      minBytes: FETCH_MIN_BYTES,
      maxWaitTimeInMs: FETCH_WAIT_MS,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.connect();
    await subscribeWhenKnown(this.consumer, { topics: [TOPICS.orderRequests], fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => this.handle(payload),
    });
  }

  private async handle({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    let i = 0;
    while (i < batch.messages.length) {
      if (!isRunning() || isStale()) return;
      const entries: Entry[] = [];
      let last: KafkaMessage;
      do {
        last = batch.messages[i++];
        for (const unpacked of unpackOrderRequests(last.value, correlationOf(last)))
          entries.push({ ...unpacked, message: last });
      } while (entries.length < CHUNK && i < batch.messages.length);
      const timer = batchSeconds.startTimer();
      await this.handleChunk(batch.topic, batch.partition, entries);
      timer();
      resolveOffset(last.offset);
      await heartbeat();
    }
  }

  private async handleChunk(topic: string, partition: number, entries: Entry[]): Promise<void> {
    const requests: OrderRequestMessage[] = [];
    const byOrderId = new Map<string, Entry>();
    for (const entry of entries) {
      if (!entry.decoded.ok) {
        await this.deadLetter(topic, partition, entry, entry.decoded.reason);
      } else {
        requests.push(entry.decoded.value);
        byOrderId.set(entry.decoded.value.orderId, entry);
      }
    }
    // One chunk holds many buyers' requests: each log line and message about an order carries the id
    // of the request it came from (a lookup), the chunk's own lines a fresh one.
    const correlationOfOrder = (orderId: string) => byOrderId.get(orderId)?.correlationId;
    await withCorrelation(undefined, async () => {
      const rejections = await this.intake.accept(requests, correlationOfOrder);
      for (const { orderId, reason } of rejections)
        await this.deadLetter(topic, partition, byOrderId.get(orderId)!, reason);
      this.logger.debug({ msg: 'order requests handled', partition, count: entries.length });
    });
  }

  /** The entry alone, keyed by its order id when it has one: a packed record's other requests are fine. */
  private deadLetter(topic: string, partition: number, entry: Entry, reason: string): Promise<void> {
    const { message } = entry;
    const key = entry.orderId === undefined ? null : Buffer.from(entry.orderId);
    const alone = entry.packed ? { ...message, key, value: Buffer.from(entry.payload()) } : message;
    return withCorrelation(entry.correlationId, () => this.deadLetters.send(topic, partition, alone, reason));
  }
}
