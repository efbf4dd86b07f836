import { Partitioners } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { OrderEventMessage, TOPICS, unpackOrderRequests } from '@app/contracts';
import { stockKeys } from '@app/stock';
import { onOneActivity } from './scenario';
import { eventually } from '../../test/support/eventually';
import { ordersOf } from './support/orders-table';
import { TopicRecorder } from '../../test/support/topic-recorder';

/** At-least-once delivery: a duplicate message is a no-op, because the order id is the primary key. */
export const duplicateMessage = onOneActivity({
  name: 'duplicate-message',
  claim: 'the same order-request message delivered three times: still one order row',
  activity: { stock: 3 },
  async run({ api, kafka, redis, db, out }, activityId) {
    const requests = await TopicRecorder.start(
      kafka,
      [TOPICS.orderRequests],
      `scenario.duplicates.${randomUUID()}`,
    );
    const events = await TopicRecorder.start(
      kafka,
      [TOPICS.orderEvents],
      `scenario.duplicates.${randomUUID()}`,
    );
    try {
      const { body } = await api.purchase(activityId, `twice-${activityId}`);
      const orderId = body.orderId!;
      // The gateway packs its order requests, several to a record: the record that carries this one.
      const carries = (value: Buffer | null) =>
        unpackOrderRequests(value).some((e) => e.decoded.ok && e.decoded.value.orderId === orderId);
      const [original] = await eventually('the order request on Kafka', () => {
        const found = requests.messages.filter((m) => carries(m.value));
        return found.length > 0 && found;
      });
      await eventually('the order row', async () => (await ordersOf(db, activityId)).length === 1);

      // The very same bytes again, twice: what a producer retry, a replayed topic or recovery would send.
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      // Keyed by the order id, so that both copies land on one partition (the original may have no key).
      const copy = { key: orderId, value: original.value, headers: original.headers };
      const [sent] = await producer
        .send({ topic: TOPICS.orderRequests, acks: -1, messages: [copy, copy] })
        .finally(() => producer.disconnect());
      const lastCopy = BigInt(sent.baseOffset!) + 1n;
      out.say(
        `order ${orderId}: original at partition ${original.partition} offset ${original.offset}; ` +
          `2 copies produced to partition ${sent.partition} (same key, same partition) at offsets ${sent.baseOffset}-${lastCopy}`,
      );

      await eventually('the order-service consuming both copies', async () => {
        const admin = kafka.admin();
        await admin.connect();
        const [committed] = await admin
          .fetchOffsets({ groupId: 'order-service', topics: [TOPICS.orderRequests] })
          .finally(() => admin.disconnect());
        const offset = committed.partitions.find((p) => p.partition === sent.partition)?.offset ?? '-1';
        return BigInt(offset) > lastCopy;
      });
      const rows = await ordersOf(db, activityId);
      const state = (await redis.hget(stockKeys(activityId).reservations, orderId))?.split('|')[0];
      out.say(
        `group order-service committed past both copies; rows for the activity: ${rows.length}, reservation '${state}'`,
      );
      out.check(
        rows.length === 1 && rows[0].id === orderId,
        'three deliveries, one order row (INSERT … ON CONFLICT DO NOTHING)',
      );

      // A replay of a PENDING order re-announces it (order-intake.service.ts): events are at-least-once.
      await events.caughtUp();
      const created = events
        .withKey(orderId)
        .filter((m) => (JSON.parse(String(m.value)) as OrderEventMessage).type === 'ORDER_CREATED').length;
      out.say(
        `seckill.order-events carried ORDER_CREATED ${created}× for it: events are at-least-once too, ` +
          'so subscribers dedupe by orderId',
      );
    } finally {
      await Promise.all([requests.stop(), events.stop()]);
    }
  },
});
