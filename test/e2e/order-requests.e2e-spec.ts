import { Admin, Kafka, Producer, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@app/config';
import { DeadLetterMessage, OrderRequestMessage, TOPICS, packOrderRequests } from '@app/contracts';
import { createActivity, purchase } from '../support/api';
import { TestClients } from '../support/clients';
import { eventually } from '../support/eventually';
import { ServiceProcess } from '../support/service-process';
import { TopicRecorder, committedPast } from '../support/topic-recorder';

// The order-service's side of the queue: what it does with a request it has seen, or cannot use.
describe('order requests on Kafka, end to end (gateway and order-service processes, real Redis, PostgreSQL, Kafka)', () => {
  let gateway: ServiceProcess;
  let orderService: ServiceProcess;
  let clients: TestClients;
  let producer: Producer;
  let admin: Admin;
  let deadLetters: TopicRecorder;

  beforeAll(async () => {
    clients = await TestClients.connect();
    [gateway, orderService] = await ServiceProcess.startAll(['gateway', 'order-service']);
    const kafka = new Kafka({
      brokers: loadConfig().KAFKA_BROKERS,
      clientId: 'e2e-order-requests',
      logLevel: logLevel.ERROR,
    });
    producer = kafka.producer();
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    deadLetters = await TopicRecorder.start(kafka, TOPICS.deadLetter);
  });

  afterAll(async () => {
    await deadLetters?.stop();
    await Promise.all([producer?.disconnect(), admin?.disconnect()]);
    await Promise.all([gateway?.stop(), orderService?.stop()]);
    await clients?.close();
  });

  /** A purchase of one item that became its order, and the order request it was, as the gateway sent it. */
  async function orderedPurchase(stock: number, userId: string) {
    const activity = await createActivity(gateway.url, { stock });
    const { body } = await purchase(gateway.url, activity.id, userId);
    await eventually(async () => expect(await clients.orders(activity.id)).toHaveLength(1));
    const orderId = body.orderId!;
    const { reservedAt } = (await clients.reservation(activity.id, orderId))!;
    const request: OrderRequestMessage = {
      orderId,
      activityId: activity.id,
      userId,
      quantity: 1,
      reservedAt,
    };
    return { activity, request };
  }

  it('when the same order request is delivered twice, then there is still one order', async () => {
    const { activity, request } = await orderedPurchase(3, 'twice');

    // Re-produce the exact request, as a producer retry or a replayed topic would.
    const [sent] = await producer.send({
      topic: TOPICS.orderRequests,
      acks: -1,
      messages: [{ key: request.orderId, value: JSON.stringify(request) }],
    });
    // The duplicate has been consumed once the group's committed offset passed it.
    await committedPast(admin, 'order-service', {
      topic: TOPICS.orderRequests,
      partition: sent.partition,
      offset: sent.baseOffset!,
    });

    expect(await clients.orders(activity.id)).toHaveLength(1);
    expect(await clients.remaining(activity.id)).toBe(2);
    await clients.expectReconciled(activity.id);
  });

  it('when order requests are malformed or name no reservation, then they are dead-lettered with a reason and the partition moves on', async () => {
    const activity = await createActivity(gateway.url, { stock: 5 });
    const key = randomUUID(); // one key: the three messages share a partition, in this order
    const phantom: OrderRequestMessage = {
      orderId: key,
      activityId: activity.id,
      userId: 'nobody',
      quantity: 1,
      reservedAt: Date.now(),
    };
    await producer.send({
      topic: TOPICS.orderRequests,
      acks: -1,
      messages: [
        { key, value: '{"orderId": 42' },
        { key, value: JSON.stringify({ ...phantom, quantity: -3 }) },
        { key, value: JSON.stringify(phantom) },
      ],
    });
    // A real purchase after them: it is processed, so nothing above blocked the consumer.
    const { body } = await purchase(gateway.url, activity.id, 'honest');

    await eventually(async () =>
      expect(await clients.orders(activity.id)).toEqual([expect.objectContaining({ id: body.orderId })]),
    );
    await eventually(() => expect(deadLetters.withKey(key)).toHaveLength(3));
    const reasons = deadLetters
      .withKey(key)
      .map((m) => (JSON.parse(String(m.value)) as DeadLetterMessage).reason);
    expect(reasons).toEqual([
      'value is not JSON',
      expect.stringMatching(/quantity/),
      'no reservation with this order id',
    ]);
    await clients.expectReconciled(activity.id);
  });

  it('when one request of a packed record is malformed or names no reservation, then that request alone is dead-lettered and the rest become orders', async () => {
    const { activity, request: honest } = await orderedPurchase(5, 'packed-honest');
    const phantom: OrderRequestMessage = { ...honest, orderId: randomUUID(), userId: 'nobody' };
    const malformed = { ...honest, orderId: randomUUID(), quantity: -3 };
    await producer.send({
      topic: TOPICS.orderRequests,
      acks: -1,
      messages: [
        {
          value: packOrderRequests([
            { request: honest, correlationId: 'packed-1' },
            { request: phantom },
            { request: malformed as OrderRequestMessage },
          ]),
        },
      ],
    });
    const reasonOf = (key: string) =>
      deadLetters.withKey(key).map((m) => (JSON.parse(String(m.value)) as DeadLetterMessage).reason);
    await eventually(() => {
      expect(reasonOf(phantom.orderId)).toEqual(['no reservation with this order id']);
      expect(reasonOf(malformed.orderId)).toEqual([expect.stringMatching(/quantity/)]);
    });
    const [letter] = deadLetters.withKey(phantom.orderId);
    expect(JSON.parse((JSON.parse(String(letter.value)) as DeadLetterMessage).payload)).toEqual(phantom);
    // The honest request, replayed inside the packed record, is still one order.
    expect(await clients.orders(activity.id)).toEqual([expect.objectContaining({ id: honest.orderId })]);
    await clients.expectReconciled(activity.id);
  });
});
