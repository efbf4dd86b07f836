import { Test, TestingModule } from '@nestjs/testing';
import { Admin, Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { ConfigModule, loadConfig } from '@app/config';
import { allTopics } from '@app/contracts';
import { KAFKA, KafkaConsumerFactory, KafkaModule, KafkaProducerService } from '@app/kafka';
import { eventually } from '../../support/eventually';

describe('Kafka clients (real broker)', () => {
  let app: TestingModule;
  let admin: Admin;
  const topic = `seckill.test.${randomUUID()}`;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forService('integration-test'), KafkaModule],
    }).compile();
    app = await moduleRef.init();
    admin = app.get<Kafka>(KAFKA).admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 2, replicationFactor: 1 }],
    });
  });

  afterAll(async () => {
    await app.close();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('when a service starts, then every topic exists with the configured partitions', async () => {
    const config = loadConfig();
    const wanted = allTopics(config.TIMEOUT_DELAY_LEVELS_SECONDS);
    const { topics } = await admin.fetchTopicMetadata({ topics: wanted });
    expect(topics.map((t) => t.name).sort()).toEqual([...wanted].sort());
    for (const t of topics) expect(t.partitions).toHaveLength(config.KAFKA_TOPIC_PARTITIONS);
  });

  it('when a message is produced, then a consumer group receives it and commits its offset', async () => {
    const groupId = `seckill.test.${randomUUID()}`;
    const received: string[] = [];
    const consumer = app.get(KafkaConsumerFactory).create({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) });

    const [meta] = await app.get(KafkaProducerService).send(topic, [{ key: 'k1', value: 'hello' }]);

    await eventually(() => expect(received).toEqual(['hello']));
    await eventually(async () => {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const offset = committed.partitions.find((p) => p.partition === meta.partition)?.offset;
      expect(offset).toBe(String(Number(meta.baseOffset) + 1));
    });
    await consumer.disconnect();
  });
});
