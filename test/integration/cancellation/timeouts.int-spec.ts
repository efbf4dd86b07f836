import { timeoutTopic } from '@app/contracts';
import { processedByCancelService, produceTimeout } from '../../support/cancel-fixtures';
import { CancelServiceUnderTest, TIMELY_MS } from '../../support/cancel-service';
import { TopicRecorder } from '../../support/topic-recorder';

const STOCK = 10;

describe('cancel-service: timeout messages (real Redis, PostgreSQL, Kafka)', () => {
  let service: CancelServiceUnderTest;
  let oneSecondLevel: TopicRecorder;

  beforeAll(async () => {
    service = await CancelServiceUnderTest.start();
    oneSecondLevel = await TopicRecorder.start(service.kafka, timeoutTopic(1));
  });
  afterEach(() => service.expectReconciled());
  afterAll(async () => {
    await oneSecondLevel?.stop();
    await service?.stop();
  });

  it('when an unpaid order times out, then it is cancelled within seconds and its stock comes back once', async () => {
    const { fixtures, producer, events } = service;
    const activityId = await fixtures.activity(STOCK);
    const order = await fixtures.order(activityId, { expiresAt: Date.now() + 1_000, quantity: 2 });
    expect(await fixtures.remaining(activityId)).toBe(STOCK - 2);

    await produceTimeout(producer, 1, order, { headers: { 'x-correlation-id': 'corr-timeout-1' } });

    const lateness = await service.cancelledLatenessMs(order);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(TIMELY_MS);
    expect(await fixtures.remaining(activityId)).toBe(STOCK);
    expect(await fixtures.reservationState(order)).toBe('X');
    const cancelled = await service.cancelledEvents(order);
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
    const { fixtures, producer, admin } = service;
    const activityId = await fixtures.activity(STOCK);
    const order = await fixtures.order(activityId, { expiresAt: Date.now() - 500, status: 'PAID' });

    const at = await produceTimeout(producer, 1, order);
    await processedByCancelService(admin, at);

    expect((await fixtures.row(order.id)).status).toBe('PAID');
    expect(await fixtures.remaining(activityId)).toBe(STOCK - 1);
    expect(await fixtures.reservationState(order)).toBe('O');
    expect(await service.cancelledEvents(order)).toEqual([]);
  });

  it('when the same timeout message is delivered twice, then the stock is released once', async () => {
    const { fixtures, producer, admin } = service;
    const activityId = await fixtures.activity(STOCK);
    const order = await fixtures.order(activityId, { expiresAt: Date.now() - 100, quantity: 3 });

    await produceTimeout(producer, 1, order);
    const second = await produceTimeout(producer, 1, order);
    await processedByCancelService(admin, second);

    expect((await fixtures.row(order.id)).status).toBe('CANCELLED');
    expect(await fixtures.remaining(activityId)).toBe(STOCK);
    expect(await service.cancelledEvents(order)).toHaveLength(1);
  });

  it('when a 300 s timeout is queued before a 1 s one, then the 1 s one is not delayed by it', async () => {
    const { fixtures, producer } = service;
    const activityId = await fixtures.activity(STOCK);
    const long = await fixtures.order(activityId, { expiresAt: Date.now() + 300_000 });
    const short = await fixtures.order(activityId, { expiresAt: Date.now() + 1_000 });

    await produceTimeout(producer, 300, long);
    await produceTimeout(producer, 1, short);

    expect(await service.cancelledLatenessMs(short)).toBeLessThan(TIMELY_MS);
    expect((await fixtures.row(long.id)).status).toBe('PENDING');
    expect(await fixtures.remaining(activityId)).toBe(STOCK - 1);
  });

  it('when a due time lies beyond its level, then the timeout hops and cancels after the due time, not before', async () => {
    const { fixtures, producer } = service;
    const activityId = await fixtures.activity(STOCK);
    const dueAt = Date.now() + 3_000;
    const order = await fixtures.order(activityId, { expiresAt: dueAt });

    await produceTimeout(producer, 1, order, { headers: { 'x-correlation-id': 'corr-hop-1' } });

    const lateness = await service.cancelledLatenessMs(order);
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
});
