import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { timeoutTopic } from '@app/contracts';
import { createService } from '@app/http';
import { RedisService } from '@app/redis';
import { GatewayModule } from '../../../apps/gateway/src/gateway.module';
import { CancelFixtures } from '../../support/cancel-fixtures';
import { eventually } from '../../support/eventually';

// The gauges that deploy/prometheus/alerts.yml pages on, read from the gateway's real /metrics.
// Ten minutes of grace: an order cancelled during the test stays within it, one cancelled an hour ago not.
process.env.SWEEPER_GRACE_MS = '600000';
// Delay levels of this spec's own (nothing consumes them): its timeout messages stay as it made them.
const LEVELS = [3601, 7201];
process.env.TIMEOUT_DELAY_LEVELS_SECONDS = LEVELS.join(',');
describe('the gateway /metrics that the alerts of a sale watch (real Redis, PostgreSQL, Kafka)', () => {
  let app: NestFastifyApplication;
  let fixtures: CancelFixtures;
  let producer: Producer;

  beforeAll(async () => {
    app = await createService(GatewayModule, 'gateway');
    await app.init();
    fixtures = new CancelFixtures(app.get(DataSource), app.get(RedisService).client);
    producer = new Kafka({ brokers: loadConfig().KAFKA_BROKERS, logLevel: 0 }).producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await fixtures.cleanup();
    await app.close();
  });

  /** Deletes every record the topic holds, if it exists. */
  async function emptyTopic(topic: string): Promise<void> {
    const admin = new Kafka({ brokers: loadConfig().KAFKA_BROKERS, logLevel: 0 }).admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(topic)) return;
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.deleteTopicRecords({
        topic,
        partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
      });
    } finally {
      await admin.disconnect();
    }
  }

  const gauge = async (sample: string) => {
    const text = (await app.inject({ url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith(`${sample} `) || l.startsWith(`${sample}{`));
    if (!line) throw new Error(`${sample} is not in /metrics`);
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  // A measure slower than the scrape's bound (a loaded machine) leaves its gauge out of that one scrape: polled.
  it('when scraped, then the order requests lag and both parts of the timeouts lag are there, measured', async () => {
    await eventually(async () => {
      expect(
        await gauge('kafka_consumer_group_lag{group="order-service",service="gateway"}'),
      ).toBeGreaterThanOrEqual(0);
      for (const state of ['due', 'scheduled'])
        expect(await gauge(`order_timeout_lag{state="${state}",service="gateway"}`)).toBeGreaterThanOrEqual(
          0,
        );
    });
  });

  it('when one timeout has waited out its level and another has not, then one is due and one scheduled', async () => {
    // Kafka splits a partition at its first message produced since `now - delay`: a message of an earlier
    // run within the hour, ahead of this one's old-stamped message, would count it as scheduled. The
    // spec's own topics are emptied first (nothing else reads them): then its two messages are the backlog.
    await Promise.all(LEVELS.map((level) => emptyTopic(timeoutTopic(level))));
    const timeouts = {
      due: 'order_timeout_lag{state="due",service="gateway"}',
      scheduled: 'order_timeout_lag{state="scheduled",service="gateway"}',
    };
    const message = (producedAt: number) => ({
      value: JSON.stringify({
        orderId: '00000000-0000-4000-8000-000000000000',
        activityId: 1,
        dueAt: producedAt + LEVELS[0] * 1000,
      }),
      timestamp: String(producedAt),
    });
    await producer.send({
      topic: timeoutTopic(LEVELS[0]),
      // Produced two hours ago (Kafka keeps the producer's timestamp), and now.
      messages: [message(Date.now() - 7_200_000), message(Date.now())],
    });
    await eventually(async () => {
      expect(await gauge(timeouts.due)).toBe(1);
      expect(await gauge(timeouts.scheduled)).toBe(1);
    });
  });

  it('when a cancelled order has not released its stock, or an order is overdue, then each gauge counts it', async () => {
    const [pending, overdue] = [await gauge('orders_release_pending'), await gauge('orders_overdue')];
    const activity = await fixtures.activity(5);
    const anHourAgo = Date.now() - 3_600_000;
    await fixtures.order(activity, { expiresAt: anHourAgo, status: 'CANCELLED', cancelledAt: anHourAgo });
    await fixtures.order(activity, { expiresAt: anHourAgo });
    // Within the sweeper's grace, a cancellation is still its timeout message's to finish: not counted.
    await fixtures.order(activity, { expiresAt: Date.now(), status: 'CANCELLED', cancelledAt: Date.now() });
    // A gauge is measured at most once a second: the next measure sees the new rows.
    await eventually(async () => {
      expect(await gauge('orders_release_pending')).toBe(pending + 1);
      expect(await gauge('orders_overdue')).toBe(overdue + 1);
    });
  });
});
