import { randomUUID } from 'node:crypto';
import { timeoutTopic } from '@app/contracts';
import { stockKeys } from '@app/stock';
import { onOneActivity } from './scenario';
import { eventually } from '../../test/support/eventually';
import { ms, seconds } from './support/narrator';
import { ordersOf } from './support/orders-table';
import { TopicRecorder } from '../../test/support/topic-recorder';

/** A delayed message on Kafka (fixed-delay level topics) cancels an unpaid order on time. */
export const timeout = onOneActivity({
  name: 'timeout',
  claim: 'an unpaid order with a 3 s pay timeout is cancelled right after expiresAt, its stock back',
  activity: { stock: 1, payTimeoutSeconds: 3 },
  async run({ api, config, kafka, redis, db, out }, activityId) {
    const levels = config.TIMEOUT_DELAY_LEVELS_SECONDS.map(timeoutTopic);
    const tap = await TopicRecorder.start(kafka, levels, `scenario.timeout.${randomUUID()}`);
    const buyer = `forgetful-${activityId}`;
    try {
      const { body } = await api.purchase(activityId, buyer);
      const [row] = await eventually('the order row', async () => {
        const rows = await ordersOf(db, activityId);
        return rows.length === 1 && rows;
      });
      const stock = await redis.get(stockKeys(activityId).stock);
      out.say(`order ${row.id} PENDING, expiresAt ${row.expiresAt.toISOString()}; stock now ${stock}`);

      const [cancelled] = await eventually(
        'the cancellation',
        async () => {
          const rows = await ordersOf(db, activityId);
          return rows[0]?.status === 'CANCELLED' && rows;
        },
        { timeoutMs: 20_000 },
      );
      const lateness = cancelled.cancelledAt!.getTime() - cancelled.expiresAt.getTime();
      await tap.caughtUp();
      const hops = tap.withKey(row.id);
      const first = Number(hops[0]?.timestamp ?? 0);
      const path = hops.map((m) => `${m.topic} +${seconds(Number(m.timestamp) - first)}`);
      out.say(
        `its timeout on Kafka: ${path.join(' → ')} (a hop whenever its level's delay ran out before expiresAt)`,
      );
      // The sweeper only cancels orders expired for longer than its grace: anything earlier was the message.
      out.check(
        lateness >= 0 && lateness < config.SWEEPER_GRACE_MS,
        `CANCELLED ${ms(lateness)} after expiresAt: by its delayed message (the sweeper waits ${ms(config.SWEEPER_GRACE_MS)})`,
      );
      const remaining = Number(await redis.get(stockKeys(activityId).stock));
      const state = (await redis.hget(stockKeys(activityId).reservations, body.orderId!))?.split('|')[0];
      out.check(
        remaining === 1 && state === 'X',
        `its stock is back (remaining ${remaining}, reservation '${state}')`,
      );
      const late = await api.pay(body.orderId!, buyer);
      out.check(late.status === 409, `a payment now is refused: ${late.status} ${late.body.code ?? ''}`);
    } finally {
      await tap.stop();
    }
  },
});
