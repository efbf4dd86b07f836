import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Admin, Kafka, Partitioners, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { DeadLetterMessage, TOPICS, timeoutTopic } from '@app/contracts';
import { createService } from '@app/http';
import { KAFKA } from '@app/kafka';
import { RedisService } from '@app/redis';
import { CancelServiceModule } from '../../apps/cancel-service/src/cancel-service.module';
import {
  CancelFixtures,
  OrderFixture,
  processedByCancelService,
  produceTimeout,
} from '../support/cancel-fixtures';
import { expectReconciled } from '../support/clients';
import { eventually } from '../support/eventually';
import { TopicRecorder } from '../support/topic-recorder';

const config = loadConfig();
const STOCK = 10;
/** Later than this after expires_at, the sweeper could have done it: the timeout message was too slow. */
const TIMELY_MS = config.SWEEPER_GRACE_MS;

describe('cancel-service (real Redis, PostgreSQL, Kafka)', () => {
  let app: NestFastifyApplication;
  let fixtures: CancelFixtures;
  let producer: Producer;
  let admin: Admin;
  let events: TopicRecorder;
  let deadLetters: TopicRecorder;
  let oneSecondLevel: TopicRecorder;

  beforeAll(async () => {
    app = await createService(CancelServiceModule, 'cancel-service');
    await app.init();
    fixtures = new CancelFixtures(app.get(DataSource), app.get(RedisService).client);
    const kafka = app.get<Kafka>(KAFKA);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    [events, deadLetters, oneSecondLevel] = await Promise.all([
      TopicRecorder.start(kafka, TOPICS.orderEvents),
      TopicRecorder.start(kafka, TOPICS.deadLetter),
      TopicRecorder.start(kafka, timeoutTopic(1)),
    ]);
  });

  afterEach(async () => {
    const redis = app.get(RedisService).client;
    for (const id of fixtures.activityIds) await expectReconciled(redis, app.get(DataSource), id);
  });

  afterAll(async () => {
    await Promise.all([events, deadLetters, oneSecondLevel].map((r) => r?.stop()));
    await fixtures?.cleanup();
    await producer?.disconnect();
    await admin?.disconnect();
    await app?.close();
  });

  /** Waits for the order to be cancelled and released; returns how late after expires_at that was. */
  async function cancelledLatenessMs(order: OrderFixture): Promise<number> {
    const row = await eventually(async () => {
      const r = await fixtures.row(order.id);
      return r.status === 'CANCELLED' && r.stockReleasedAt !== null && r;
    });
    return row.cancelledAt!.getTime() - row.expiresAt.getTime();
  }

  async function cancelledEvents(order: OrderFixture) {
    await events.caughtUp();
    return events.withKey(order.id).map((m) => JSON.parse(String(m.value)));
  }

  it('when an unpaid order times out, then it is cancelled within seconds and its stock comes back once', async () => {
    const activityId = await fixtures.activity(STOCK);
    const order = await fixtures.order(activityId, { expiresAt: Date.now() + 1_000, quantity: 2 });
    expect(await fixtures.remaining(activityId)).toBe(STOCK - 2);

    await produceTimeout(producer, 1, order, { headers: { 'x-correlation-id': 'corr-timeout-1' } });

    const lateness = await cancelledLatenessMs(order);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(TIMELY_MS);
    expect(await fixtures.remaining(activityId)).toBe(STOCK);
    expect(await fixtures.reservationState(order)).toBe('X');
    const cancelled = await cancelledEvents(order);
    expect(cancelled).toEqual([
      expect.objectContaining({
        type: 'ORDER_CANCELLED',
        orderId: order.id,
        userId: order.userId,
        quantity: 2,
      }),
    ]);
    expect(String(events.withKey(order.id)[0].headers?.['x-correlation-id'])).toBe('corr-timeout-1');
  });

  it('when a paid order times out, then nothing changes', async () => {
    const activityId = await fixtures.activity(STOCK);
    const order = await fixtures.order(activityId, { expiresAt: Date.now() - 500, status: 'PAID' });

    const at = await produceTimeout(producer, 1, order);
    await processedByCancelService(admin, at);

    expect((await fixtures.row(order.id)).status).toBe('PAID');
    expect(await fixtures.remaining(activityId)).toBe(STOCK - 1);
    expect(await fixtures.reservationState(order)).toBe('O');
    expect(await cancelledEvents(order)).toEqual([]);
  });

  it('when the same timeout message is delivered twice, then the stock is released once', async () => {
    const activityId = await fixtures.activity(STOCK);
    const order = await fixtures.order(activityId, { expiresAt: Date.now() - 100, quantity: 3 });

    await produceTimeout(producer, 1, order);
    const second = await produceTimeout(producer, 1, order);
    await processedByCancelService(admin, second);

    expect((await fixtures.row(order.id)).status).toBe('CANCELLED');
    expect(await fixtures.remaining(activityId)).toBe(STOCK);
    expect(await cancelledEvents(order)).toHaveLength(1);
  });

  it('when a 300 s timeout is queued before a 1 s one, then the 1 s one is not delayed by it', async () => {
    const activityId = await fixtures.activity(STOCK);
    const long = await fixtures.order(activityId, { expiresAt: Date.now() + 300_000 });
    const short = await fixtures.order(activityId, { expiresAt: Date.now() + 1_000 });

    await produceTimeout(producer, 300, long);
    await produceTimeout(producer, 1, short);

    expect(await cancelledLatenessMs(short)).toBeLessThan(TIMELY_MS);
    expect((await fixtures.row(long.id)).status).toBe('PENDING');
    expect(await fixtures.remaining(activityId)).toBe(STOCK - 1);
  });

  it('when a due time lies beyond its level, then the timeout hops and cancels after the due time, not before', async () => {
    const activityId = await fixtures.activity(STOCK);
    const dueAt = Date.now() + 3_000;
    const order = await fixtures.order(activityId, { expiresAt: dueAt });

    await produceTimeout(producer, 1, order, { headers: { 'x-correlation-id': 'corr-hop-1' } });

    const lateness = await cancelledLatenessMs(order);
    expect((await fixtures.row(order.id)).cancelledAt!.getTime()).toBeGreaterThanOrEqual(dueAt);
    expect(lateness).toBeLessThan(TIMELY_MS);
    await oneSecondLevel.caughtUp();
    const copies = oneSecondLevel.withKey(order.id);
    expect(copies.length).toBeGreaterThanOrEqual(2); // the original and at least one hop
    for (const copy of copies) {
      expect(JSON.parse(String(copy.value))).toEqual({ orderId: order.id, activityId, dueAt });
      expect(String(copy.headers?.['x-correlation-id'])).toBe('corr-hop-1');
    }
  });

  it('when a canceller died between the cancel and the release, then the sweeper finishes the release', async () => {
    const activityId = await fixtures.activity(STOCK);
    const order = await fixtures.order(activityId, {
      expiresAt: Date.now() - 6_000,
      status: 'CANCELLED',
      cancelledAt: Date.now() - 5_000,
    });

    await eventually(async () => (await fixtures.row(order.id)).stockReleasedAt !== null);
    expect(await fixtures.remaining(activityId)).toBe(STOCK);
    expect(await fixtures.reservationState(order)).toBe('X');
  });

  it('when an expired order never got a timeout message, then the sweeper cancels it', async () => {
    const activityId = await fixtures.activity(STOCK);
    const order = await fixtures.order(activityId, {
      expiresAt: Date.now() - config.SWEEPER_GRACE_MS - 1_000,
    });

    await cancelledLatenessMs(order);
    expect(await fixtures.remaining(activityId)).toBe(STOCK);
    expect(await cancelledEvents(order)).toHaveLength(1);
  });

  it('when a timeout message is malformed, then it is dead-lettered with its reason and the next one still runs', async () => {
    const activityId = await fixtures.activity(STOCK);
    const order = await fixtures.order(activityId, { expiresAt: Date.now() });
    const malformed = JSON.stringify({ orderId: 'not-a-uuid', dueAt: 'soon' });

    const bad = await produceTimeout(producer, 1, order, { value: malformed });
    await produceTimeout(producer, 1, order);

    expect(await cancelledLatenessMs(order)).toBeLessThan(TIMELY_MS);
    await deadLetters.caughtUp();
    const letters = deadLetters
      .withKey(order.id)
      .map((m) => JSON.parse(String(m.value)) as DeadLetterMessage);
    expect(letters).toEqual([
      {
        sourceTopic: bad.topic,
        partition: bad.partition,
        offset: bad.offset,
        reason: expect.stringMatching(/orderId/),
        payload: malformed,
      },
    ]);
  });

  it('when a timeout names an order that does not exist, then it is dead-lettered with that reason', async () => {
    const activityId = await fixtures.activity(STOCK);
    const ghost: OrderFixture = {
      id: randomUUID(),
      activityId,
      userId: 'ghost',
      quantity: 1,
      expiresAt: Date.now(),
    };

    const at = await produceTimeout(producer, 1, ghost);
    await processedByCancelService(admin, at);

    await deadLetters.caughtUp();
    const [letter] = deadLetters
      .withKey(ghost.id)
      .map((m) => JSON.parse(String(m.value)) as DeadLetterMessage);
    expect(letter).toMatchObject({ offset: at.offset, reason: `order ${ghost.id} does not exist` });
  });
});
