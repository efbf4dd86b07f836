import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '@app/config';
import { OrderRequestMessage, TOPICS, newOrderId } from '@app/contracts';
import { activitiesTable } from '@app/database';
import { createService } from '@app/http';
import { CORRELATION_HEADER } from '@app/observability';
import { redisNow } from '@app/redis';
import { SELLING_ACTIVITIES_KEY, SELLING_HOLD_MS, announceSelling, stockKeys } from '@app/stock';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';
import { ReservationRecoveryService } from '../../../apps/order-service/src/recovery/reservation-recovery.service';
import { TestClients } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { TopicRecorder } from '../../support/topic-recorder';

// The order-service in-process against the real Redis, PostgreSQL and Kafka.
describe('the order-service intake and recovery', () => {
  let app: NestFastifyApplication;
  let clients: TestClients;
  let kafka: Kafka;
  const config = loadConfig();

  beforeAll(async () => {
    clients = await TestClients.connect();
    kafka = new Kafka({ brokers: config.KAFKA_BROKERS, clientId: 'intake-spec', logLevel: logLevel.ERROR });
    app = await createService(OrderServiceModule, 'order-service');
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await clients?.close();
  });

  /** An open activity with one reservation per buyer in Redis, as the gateway leaves them. */
  async function reserved(users: string[], endsAt = new Date(Date.now() + 600_000)) {
    const activity = await activitiesTable.insert(clients.db, {
      name: 'intake spec',
      stock: 10,
      startsAt: new Date(Date.now() - 60_000),
      endsAt,
      perUserLimit: 1,
      payTimeoutSeconds: 60,
    });
    const k = stockKeys(activity.id);
    await clients.redis.hset(k.meta, { startsAt: 0, endsAt: endsAt.getTime(), perUserLimit: 1, stock: 10 });
    await clients.redis.set(k.stock, 10 - users.length);
    const requests: OrderRequestMessage[] = users.map((userId) => ({
      orderId: newOrderId(Date.now()),
      activityId: activity.id,
      userId,
      quantity: 1,
      reservedAt: Date.now(),
    }));
    for (const r of requests) {
      await clients.redis.hset(k.reservations, r.orderId, `R|${r.userId}|1|${r.reservedAt}`);
    }
    return { activityId: activity.id, requests };
  }

  it('when one batch carries several buyers’ requests, then each order’s messages carry its own correlation id', async () => {
    const { requests } = await reserved(['corr-a', 'corr-b', 'corr-c']);
    const events = await TopicRecorder.start(kafka, TOPICS.orderEvents);
    const producer = kafka.producer();
    await producer.connect();
    // One key: one partition, one batch.
    await producer.send({
      topic: TOPICS.orderRequests,
      acks: -1,
      messages: requests.map((r, i) => ({
        key: 'one-partition',
        value: JSON.stringify(r),
        headers: { [CORRELATION_HEADER]: `corr-${i}` },
      })),
    });
    await producer.disconnect();

    await eventually(() => expect(requests.every((r) => events.withKey(r.orderId).length > 0)).toBe(true));
    const carried = requests.map((r) =>
      events.withKey(r.orderId)[0].headers?.[CORRELATION_HEADER]?.toString(),
    );
    await events.stop();
    expect(carried).toEqual(['corr-0', 'corr-1', 'corr-2']);
  });

  it('when a gateway announced an activity, then recovery visits it while a purchase may still land, and lets it go once nothing is in flight and the announcement is old', async () => {
    const { activityId } = await reserved([]);
    const now = await redisNow(clients.redis);
    await announceSelling(clients.redis, [activityId]);
    const recovery = app.get(ReservationRecoveryService);
    const selling = async () =>
      (await clients.redis.zscore(SELLING_ACTIVITIES_KEY, String(activityId))) !== null;

    await recovery.recover(now + 100);
    expect(await selling()).toBe(true);

    // The late one lands (reserved under the announcement), and is still found once it is overdue.
    const reservedAt = now + 200;
    const orderId = newOrderId(reservedAt);
    const k = stockKeys(activityId);
    await clients.redis.hset(k.reservations, orderId, `R|late-buyer|1|${reservedAt}`);
    await clients.redis.zadd(k.unconfirmed, reservedAt, orderId);
    // In flight: kept however old the announcement.
    const late = reservedAt + SELLING_HOLD_MS + config.RESERVATION_RECOVERY_AFTER_MS;
    // (At least: other specs' reservations still waiting for an order-service are due at that time too.)
    expect(await recovery.recover(late)).toBeGreaterThanOrEqual(1);
    expect(await selling()).toBe(true);

    // Once nothing is unconfirmed and the announcement is older than the hold, it is let go.
    await eventually(async () => expect(await clients.redis.zcard(k.unconfirmed)).toBe(0));
    await recovery.recover(late);
    expect(await selling()).toBe(false);
  });
});
