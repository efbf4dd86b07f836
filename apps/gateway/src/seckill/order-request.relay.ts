import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { OrderRequestMessage, PackedOrderRequest, TOPICS, packOrderRequests } from '@app/contracts';
import { BatchedSender, KafkaProducerService } from '@app/kafka';
import { counter, histogram } from '@app/observability';

const batchSize = histogram(
  'order_request_batch_size',
  'Order requests per Kafka send',
  [],
  [1, 5, 10, 50, 100, 250, 500, 1000],
);
const notRelayed = counter(
  'order_requests_not_relayed_total',
  'Order requests the relay did not get onto Kafka (queue full, or the send failed); recovery re-publishes them',
  ['why'],
);

/** Requests per record at most: about 75 KB, well under the broker's message.max.bytes (1 MB). */
const PER_RECORD = 500;

/**
 * Relays admitted purchases to Kafka in the background, micro-batched (PUBLISH_LINGER_MS,
 * PUBLISH_MAX_BATCH), each batch packed into one record (libs/contracts order-request-batch): the
 * producer's cost is per record, so a burst costs it one record per batch, not one per admission. The buyer does not wait for it: the reservation in Redis is the outbox, written by the
 * same script that took the stock, so the 202 is as durable as the reservation. A request this relay fails to
 * send (Kafka down, queue full, the process killed) is not retried here: the order-service's recovery
 * re-publishes every reservation still RESERVED after RESERVATION_RECOVERY_AFTER_MS.
 */
@Injectable()
export class OrderRequestRelay implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OrderRequestRelay.name);
  private readonly sender: BatchedSender<PackedOrderRequest>;
  private readonly queueFull = notRelayed.labels('queue_full');

  constructor(producer: KafkaProducerService, @Inject(APP_CONFIG) config: AppConfig) {
    this.sender = new BatchedSender<PackedOrderRequest>(producer, TOPICS.orderRequests, {
      // No key: a batch holds many buyers, and nothing orders one buyer's requests against another's.
      pack: (requests) => {
        const records = [];
        for (let i = 0; i < requests.length; i += PER_RECORD)
          records.push({ value: packOrderRequests(requests.slice(i, i + PER_RECORD)) });
        return records;
      },
      lingerMs: config.PUBLISH_LINGER_MS,
      maxBatch: config.PUBLISH_MAX_BATCH,
      maxQueue: config.PUBLISH_MAX_QUEUE,
      onBatch: (size) => batchSize.observe(size),
      onFailure: (err, messages) => {
        notRelayed.inc({ why: 'send_failed' }, messages.length);
        this.logger.warn({
          msg: 'order requests not relayed; recovery will re-publish them',
          count: messages.length,
          err: err instanceof Error ? err.message : String(err),
        });
      },
    });
  }

  relay(request: OrderRequestMessage, correlationId: string): void {
    if (!this.sender.offer({ request, correlationId })) this.queueFull.inc();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.sender.drain();
  }
}
