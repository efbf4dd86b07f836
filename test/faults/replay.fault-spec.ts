import { Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@app/config';
import { OrderTimeoutMessage, TOPICS, timeoutTopic, unpackOrderRequests } from '@app/contracts';
import { createActivity, pay, purchase } from '../support/api';
import { TestClients, range } from '../support/clients';
import { eventually } from '../support/eventually';
import { expectEveryAcceptedOrdered, record } from '../support/faults';
import { ServiceProcess } from '../support/service-process';

/** Every message of `topic` so far, read by a throwaway consumer group. */
async function readTopic(kafka: Kafka, topic: string): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const expected = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: `replay-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
  await eventually(() => messages.length >= expected, { timeoutMs: 30_000 });
  await consumer.disconnect();
  return messages;
}

describe('faults: a stretch of a topic is replayed (duplicates, out of order)', () => {
  let clients: TestClients;
  let services: ServiceProcess[];

  beforeAll(async () => {
    clients = await TestClients.connect();
    services = await ServiceProcess.startAll(['gateway', 'order-service', 'cancel-service']);
  });
  afterAll(async () => {
    await Promise.all(services?.map((s) => s.stop()) ?? []);
    await clients?.close();
  });

  it('when order requests and timeouts are delivered again in reverse order, then nothing changes', async () => {
    const [gateway, orderService] = services;
    const activity = await createActivity(gateway.url, { stock: 200, payTimeoutSeconds: 2 });
    const replies = await Promise.all(
      range(200).map((i) => purchase(gateway.url, activity.id, `replay-${i}`)),
    );
    const accepted = replies.map((r) => r.body.orderId!);
    await eventually(async () => expect(await clients.orders(activity.id)).toHaveLength(200));
    await Promise.all(accepted.slice(0, 100).map((id, i) => pay(orderService.url, id, `replay-${i}`)));
    await eventually(async () =>
      expect((await clients.orders(activity.id)).filter((o) => o.status === 'PENDING')).toHaveLength(0),
    );
    await clients.expectReconciled(activity.id);
    const before = {
      orders: await clients.orders(activity.id),
      remaining: await clients.remaining(activity.id),
    };

    const kafka = new Kafka({
      brokers: loadConfig().KAFKA_BROKERS,
      clientId: 'replay-fault',
      logLevel: logLevel.ERROR,
    });
    // The gateway packs its requests several to a record; the replay sends each on its own, the shape
    // recovery re-publishes in, so both shapes are replayed over what they wrote.
    const records = await readTopic(kafka, TOPICS.orderRequests);
    const requests = records
      .flatMap((m) => unpackOrderRequests(m.value))
      .flatMap((e) => (e.decoded.ok && e.decoded.value.activityId === activity.id ? [e.decoded.value] : []));
    expect(requests).toHaveLength(200);
    const timeouts: OrderTimeoutMessage[] = before.orders.map((o) => ({
      orderId: o.id,
      activityId: activity.id,
      dueAt: Date.now() - 1_000,
    }));
    const producer = kafka.producer();
    await producer.connect();
    const replayed = Date.now();
    await producer.send({
      topic: TOPICS.orderRequests,
      acks: -1,
      messages: [...requests].reverse().map((r) => ({ key: r.orderId, value: JSON.stringify(r) })),
    });
    await producer.send({
      topic: timeoutTopic(1),
      acks: -1,
      messages: timeouts.reverse().map((t) => ({ key: t.orderId, value: JSON.stringify(t) })),
    });
    await producer.disconnect();

    // The replay is done once both consumer groups have caught up with the topics again.
    const admin = kafka.admin();
    await admin.connect();
    for (const [groupId, topic] of [
      ['order-service', TOPICS.orderRequests],
      ['cancel-service', timeoutTopic(1)],
    ]) {
      await eventually(
        async () => {
          const [ends, [committed]] = await Promise.all([
            admin.fetchTopicOffsets(topic),
            admin.fetchOffsets({ groupId, topics: [topic] }),
          ]);
          for (const end of ends) {
            const done = committed.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
            expect(BigInt(done)).toBeGreaterThanOrEqual(BigInt(end.high));
          }
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
    }
    await admin.disconnect();
    const recoveryMs = Date.now() - replayed;

    const after = {
      orders: await clients.orders(activity.id),
      remaining: await clients.remaining(activity.id),
    };
    const byId = (rows: typeof before.orders) => Object.fromEntries(rows.map((o) => [o.id, o.status]));
    expect(byId(after.orders)).toEqual(byId(before.orders));
    expect(after.remaining).toBe(before.remaining);
    const figures = await expectEveryAcceptedOrdered(clients, activity.id, accepted);
    record({
      fault: 'replay of 200 order requests and 200 timeouts, reversed',
      buyerSaw: 'nothing: statuses, stock and payments unchanged',
      accepted: accepted.length,
      ...figures,
      recoveryMs,
    });
  });
});
