import { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { eventually } from './eventually';

export type TappedMessage = KafkaMessage & { topic: string; partition: number };

/**
 * A consumer in a brand-new group that records what is produced to some topics from now on. The topics
 * hold earlier runs' messages, so each partition is started at its current end rather than the beginning.
 */
export class TopicTap {
  readonly messages: TappedMessage[] = [];
  private readonly consumer: Consumer;
  /** `topic|partition` → the offset the tap started at */
  private readonly startedAt = new Map<string, bigint>();

  private constructor(
    private readonly kafka: Kafka,
    readonly topics: string[],
    readonly groupId: string,
  ) {
    this.consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  }

  static async start(kafka: Kafka, topics: string[], groupId: string): Promise<TopicTap> {
    const tap = new TopicTap(kafka, topics, groupId);
    const ends = await tap.endOffsets();
    await tap.consumer.connect();
    await tap.consumer.subscribe({ topics });
    await tap.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        tap.messages.push({ ...message, topic, partition });
      },
    });
    for (const { topic, partition, high } of ends) {
      tap.startedAt.set(`${topic}|${partition}`, high);
      tap.consumer.seek({ topic, partition, offset: String(high) });
    }
    return tap;
  }

  withKey(key: string): TappedMessage[] {
    return this.messages.filter((m) => m.key?.toString() === key);
  }

  /** Resolves once everything produced before this call has been recorded. */
  async caughtUp(): Promise<void> {
    const ends = await this.endOffsets();
    const seen = (topic: string, partition: number, offset: bigint) =>
      this.messages.some((m) => m.topic === topic && m.partition === partition && BigInt(m.offset) >= offset);
    await eventually(`the tap on ${this.topics.join(', ')} catching up`, () =>
      ends.every(
        ({ topic, partition, high }) =>
          high <= (this.startedAt.get(`${topic}|${partition}`) ?? 0n) || seen(topic, partition, high - 1n),
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

  private async endOffsets(): Promise<{ topic: string; partition: number; high: bigint }[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const all = await Promise.all(
        this.topics.map(async (topic) =>
          (await admin.fetchTopicOffsets(topic)).map((o) => ({
            topic,
            partition: o.partition,
            high: BigInt(o.high),
          })),
        ),
      );
      return all.flat();
    } finally {
      await admin.disconnect();
    }
  }
}
