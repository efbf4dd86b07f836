import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Admin, Kafka, Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { TOPICS } from '@app/contracts';
import { createService } from '@app/http';
import { KAFKA } from '@app/kafka';
import { RedisService } from '@app/redis';
import { CancelServiceModule } from '../../apps/cancel-service/src/cancel-service.module';
import { CancelFixtures, OrderFixture } from './cancel-fixtures';
import { expectReconciled } from './clients';
import { eventually } from './eventually';
import { TopicRecorder } from './topic-recorder';

/** Later than this after expires_at, the sweeper could have done it: the timeout message was too slow. */
export const TIMELY_MS = loadConfig().SWEEPER_GRACE_MS;

/**
 * The cancel-service in process on the real Redis, PostgreSQL and Kafka, with what its specs need around
 * it: order fixtures, a producer for timeout messages, an admin for committed offsets, and a recorder of
 * the order events it publishes.
 */
export class CancelServiceUnderTest {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly kafka: Kafka,
    readonly fixtures: CancelFixtures,
    readonly producer: Producer,
    readonly admin: Admin,
    readonly events: TopicRecorder,
  ) {}

  static async start(): Promise<CancelServiceUnderTest> {
    const app = await createService(CancelServiceModule, 'cancel-service');
    await app.init();
    const fixtures = new CancelFixtures(app.get(DataSource), app.get(RedisService).client);
    const kafka = app.get<Kafka>(KAFKA);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    const events = await TopicRecorder.start(kafka, TOPICS.orderEvents);
    return new CancelServiceUnderTest(app, kafka, fixtures, producer, admin, events);
  }

  /** Waits for the order to be cancelled and released; returns how late after expires_at that was. */
  async cancelledLatenessMs(order: OrderFixture): Promise<number> {
    const row = await eventually(async () => {
      const r = await this.fixtures.row(order.id);
      return r.status === 'CANCELLED' && r.stockReleasedAt !== null && r;
    });
    return row.cancelledAt!.getTime() - row.expiresAt.getTime();
  }

  /** The order events published for the order, everything produced so far recorded. */
  async cancelledEvents(order: OrderFixture): Promise<Record<string, unknown>[]> {
    await this.events.caughtUp();
    return this.events.withKey(order.id).map((m) => JSON.parse(String(m.value)));
  }

  /** Reconcile holds for every activity the fixtures created (each spec's afterEach). */
  async expectReconciled(): Promise<void> {
    const redis = this.app.get(RedisService).client;
    for (const id of this.fixtures.activityIds) await expectReconciled(redis, this.app.get(DataSource), id);
  }

  async stop(): Promise<void> {
    await this.events.stop();
    await this.fixtures.cleanup();
    await this.producer.disconnect();
    await this.admin.disconnect();
    await this.app.close();
  }
}
