import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { signBuyerToken } from '@app/auth';
import { loadConfig } from '@app/config';
import { TOPICS } from '@app/contracts';
import { KAFKA } from '@app/kafka';
import { RedisService } from '@app/redis';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';
import { CancelFixtures } from '../../support/cancel-fixtures';
import { eventually } from '../../support/eventually';
import { InProcessService } from '../../support/risk-gateways';
import { TopicRecorder } from '../../support/topic-recorder';

const eventsOf = (recorder: TopicRecorder, orderId: string) =>
  recorder.withKey(orderId).map((m) => JSON.parse(m.value!.toString()).type);

describe('ORDER_PAID, at least once (real PostgreSQL and Kafka)', () => {
  let orderService: InProcessService;
  let fixtures: CancelFixtures;
  let events: TopicRecorder;
  let db: DataSource;

  beforeAll(async () => {
    orderService = await InProcessService.start(OrderServiceModule, 'order-service');
    db = orderService.get(DataSource);
    fixtures = new CancelFixtures(db, orderService.get(RedisService).client);
    events = await TopicRecorder.start(orderService.get<Kafka>(KAFKA), TOPICS.orderEvents);
  });
  afterAll(async () => {
    await events?.stop();
    await fixtures?.cleanup();
    await orderService?.close();
  });

  const announcedAt = async (orderId: string) =>
    (await db.query('SELECT paid_announced_at AS at FROM orders WHERE id = $1', [orderId]))[0].at;

  it('when a payment succeeds, then the answer does not wait for Kafka, ORDER_PAID is sent once and the order is marked announced', async () => {
    const activityId = await fixtures.activity(1);
    const order = await fixtures.order(activityId, { expiresAt: Date.now() + 60_000 });
    const token = signBuyerToken(order.userId, loadConfig().JWT_SECRET);
    const paid = await orderService.call('POST', `/api/orders/${order.id}/pay`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(paid.status).toBe(200);
    await eventually(async () => (await announcedAt(order.id)) !== null);
    await eventually(() => eventsOf(events, order.id).includes('ORDER_PAID'));
    await events.caughtUp();
    expect(eventsOf(events, order.id)).toEqual(['ORDER_PAID']);
  });

  it('when the service died between the payment and its event, then the backstop announces the order', async () => {
    const activityId = await fixtures.activity(1);
    // PAID with nothing announced: the state a crash right after the payment's commit leaves behind.
    const order = await fixtures.order(activityId, { expiresAt: Date.now() + 60_000, status: 'PAID' });
    expect(await announcedAt(order.id)).toBeNull();
    await eventually(() => eventsOf(events, order.id).includes('ORDER_PAID'), { timeoutMs: 20_000 });
    await eventually(async () => (await announcedAt(order.id)) !== null);
  });
});
