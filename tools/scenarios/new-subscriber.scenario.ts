import { randomUUID } from 'node:crypto';
import { OrderEventMessage, TOPICS } from '@app/contracts';
import { onOneActivity } from './scenario';
import { eventually } from '../../test/support/eventually';
import { range } from './support/narrator';
import { ordersOf } from './support/orders-table';
import { TopicRecorder } from '../../test/support/topic-recorder';

const BUYERS = 3;

/** 解耦: a new downstream consumer is a new consumer group on the events topic; no producer changes. */
export const newSubscriber = onOneActivity({
  name: 'new-subscriber',
  claim: 'a brand-new consumer group on seckill.order-events gets every order event, no producer changed',
  activity: { stock: 5 },
  async run({ api, kafka, db, out }, activityId) {
    const groupId = `scenario.new-subscriber.${randomUUID()}`;
    const tap = await TopicRecorder.start(kafka, [TOPICS.orderEvents], groupId);
    try {
      out.say(`subscribed group ${groupId} to ${TOPICS.orderEvents} (the services know nothing of it)`);
      const buyers = range(BUYERS).map((i) => `subscriber-demo-${activityId}-${i}`);
      const orderIds = (await Promise.all(buyers.map((b) => api.purchase(activityId, b)))).map(
        (r) => r.body.orderId!,
      );
      await eventually(
        `${BUYERS} order rows`,
        async () => (await ordersOf(db, activityId)).length === BUYERS,
      );
      const paid = await api.pay(orderIds[0], buyers[0]);
      out.say(`${BUYERS} purchases, then buyer 0 paid (${paid.status} ${paid.body.status})`);

      const ours = () =>
        tap.messages
          .map((m) => ({ partition: m.partition, event: JSON.parse(String(m.value)) as OrderEventMessage }))
          .filter(({ event }) => event.activityId === activityId);
      const has = (type: OrderEventMessage['type'], orderId: string) =>
        ours().some(({ event }) => event.type === type && event.orderId === orderId);
      await eventually(
        'every event reaching the new group',
        () => orderIds.every((id) => has('ORDER_CREATED', id)) && has('ORDER_PAID', orderIds[0]),
      ).catch(() => undefined); // judged below, with what did arrive
      for (const { partition, event } of ours()) {
        out.say(
          `  received ${event.type.padEnd(15)} order ${event.orderId} (partition ${partition}, key = order id)`,
        );
      }
      out.check(
        orderIds.every((id) => has('ORDER_CREATED', id)),
        `ORDER_CREATED for each of the ${BUYERS} orders`,
      );
      out.check(has('ORDER_PAID', orderIds[0]), 'ORDER_PAID for the paid one');
    } finally {
      await tap.stop();
    }
  },
});
