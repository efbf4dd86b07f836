import { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { eventually } from './eventually';

export type RecordedMessage = KafkaMessage & { topic: string; partition: number };

/**
 * Records every message produced to some topics after `start()`, with its topic and partition, so a test
 * (or a scenario) can assert on what a service published (and, after `caughtUp()`, on what it did not),
 * from a consumer group of its own: a new subscriber, which no producer knows of.
 */
export class TopicRecorder {
  readonly messages: RecordedMessage[] = [];
  readonly topics: string[];
  /** `topic|partition` → the offset of the last message recorded (or, at first, the one before the start) */
  private readonly seen = new Map<string, bigint>();
  private readonly consumer: Consumer;

  private constructor(
    private readonly kafka: Kafka,
    topics: string | string[],
    readonly groupId: string,
  ) {
    this.topics = typeof topics === 'string' ? [topics] : topics;
    this.consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  }

  static async start(
    kafka: Kafka,
    topics: string | string[],
    groupId = `seckill.test.${randomUUID()}`,
  ): Promise<TopicRecorder> {
    const recorder = new TopicRecorder(kafka, topics, groupId);
    await recorder.listen();
    return recorder;
  }

  withKey(key: string): RecordedMessage[] {
    return this.messages.filter((m) => m.key?.toString() === key);
  }

  /** Resolves once everything produced to the topics before this call has been recorded. */
  async caughtUp(): Promise<void> {
    const ends = await this.endOffsets();
    await eventually(() =>
      ends.every(
        ({ topic, partition, high }) => (this.seen.get(`${topic}|${partition}`) ?? -1n) >= high - 1n,
      ),
    );
  }

  /** Leaves no trace: the group is deleted with the consumer. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.groupId]).catch(() => undefined);
    await admin.disconnect();
  }

  private async listen(): Promise<void> {
    // Start at the current end of each partition: the topics hold other tests' and earlier runs' messages.
    const ends = await this.endOffsets();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        this.messages.push({ ...message, topic, partition });
        this.seen.set(`${topic}|${partition}`, BigInt(message.offset));
      },
    });
    for (const { topic, partition, high } of ends) {
      this.seen.set(`${topic}|${partition}`, high - 1n);
      this.consumer.seek({ topic, partition, offset: String(high) });
    }
  }

  private async endOffsets(): Promise<{ topic: string; partition: number; high: bigint }[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const perTopic = await Promise.all(
        this.topics.map(async (topic) => {
          // A topic created a moment ago may not have its leaders yet (NOT_LEADER on a fresh broker): asked again.
          const offsets = await eventually(() => admin.fetchTopicOffsets(topic));
          return offsets.map((o) => ({ topic, partition: o.partition, high: BigInt(o.high) }));
        }),
      );
      return perTopic.flat();
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
