import { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { eventually } from './eventually';

/**
 * Records every message produced to a topic after `start()`, with its partition, so a test can assert
 * on what a service published (and, after `caughtUp()`, on what it did not publish).
 */
export class TopicRecorder {
  readonly messages: (KafkaMessage & { partition: number })[] = [];
  private readonly seen = new Map<number, bigint>();
  private readonly groupId = `seckill.test.${randomUUID()}`;
  private readonly consumer: Consumer;

  private constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
  ) {
    this.consumer = kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 100 });
  }

  static async start(kafka: Kafka, topic: string): Promise<TopicRecorder> {
    const recorder = new TopicRecorder(kafka, topic);
    await recorder.listen();
    return recorder;
  }

  withKey(key: string): (KafkaMessage & { partition: number })[] {
    return this.messages.filter((m) => m.key?.toString() === key);
  }

  /** Resolves once everything produced to the topic before this call has been recorded. */
  async caughtUp(): Promise<void> {
    const ends = await this.endOffsets();
    await eventually(() =>
      ends.every(({ partition, high }) => (this.seen.get(partition) ?? -1n) >= high - 1n),
    );
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.groupId]).catch(() => undefined);
    await admin.disconnect();
  }

  private async listen(): Promise<void> {
    // Start at the current end of each partition: the topic may hold other tests' messages.
    const ends = await this.endOffsets();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic });
    await this.consumer.run({
      eachMessage: async ({ partition, message }) => {
        this.messages.push({ ...message, partition });
        this.seen.set(partition, BigInt(message.offset));
      },
    });
    for (const { partition, high } of ends) {
      this.seen.set(partition, high - 1n);
      this.consumer.seek({ topic: this.topic, partition, offset: String(high) });
    }
  }

  private async endOffsets(): Promise<{ partition: number; high: bigint }[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // A topic created a moment ago may not have its leaders yet (NOT_LEADER on a fresh broker): asked again.
      const offsets = await eventually(() => admin.fetchTopicOffsets(this.topic));
      return offsets.map((o) => ({ partition: o.partition, high: BigInt(o.high) }));
    } finally {
      await admin.disconnect();
    }
  }
}

/** Where a produced message landed. */
export interface MessagePosition {
  topic: string;
  partition: number;
  offset: string;
}

/** Waits until consumer group `groupId` has committed past `at`: it is done with that message. */
export async function committedPast(admin: Admin, groupId: string, at: MessagePosition): Promise<void> {
  await eventually(async () => {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [at.topic] });
    const offset = committed.partitions.find((p) => p.partition === at.partition)?.offset ?? '-1';
    return BigInt(offset) > BigInt(at.offset);
  });
}
