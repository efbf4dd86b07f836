import { stockKeys } from '@app/stock';
import { onOneActivity } from './scenario';
import { eventually } from '../../test/support/eventually';
import { ServiceProcess } from '../../test/support/service-process';
import { seconds } from './support/narrator';
import { ordersOf } from './support/orders-table';
import { metricValue } from '../../test/support/metric-value';

// A port of its own, beside the stack's gateway.
const EXTRA_GATEWAY_PORT_OFFSET = 10;

/** The gap between "202 answered, stock reserved in Redis" and "request on Kafka": a crash there loses no order. */
export const crashAfterReserve = onOneActivity({
  name: 'crash-after-reserve',
  claim: 'a gateway killed (-9) after its 202, before relaying the order to Kafka: the order still appears',
  activity: { stock: 2 },
  async run({ api, config, redis, db, out }, activityId) {
    // A 60 s linger holds the request in the gateway's relay batch: answered 202, reserved in Redis, not on Kafka.
    const port = config.GATEWAY_PORT + EXTRA_GATEWAY_PORT_OFFSET;
    const gateway = await ServiceProcess.start('gateway', { PUBLISH_LINGER_MS: '60000' }, port, {
      log: 'scenario-gateway',
    });
    const recoveredBefore = metricValue(await api.metrics(api.orderService), 'reservations_recovered_total');
    try {
      const buyer = `orphan-${activityId}`;
      const answer = api.purchase(activityId, buyer, gateway.url).then(
        (r) => `answered ${r.status}`,
        () => 'no answer (connection reset)',
      );
      const orderId = await eventually('the reservation', () =>
        redis.hget(stockKeys(activityId).buyers, buyer).then((id) => id ?? false),
      );
      const record = await redis.hget(stockKeys(activityId).reservations, orderId);
      out.say(`extra gateway :${port} (PUBLISH_LINGER_MS=60000) reserved order ${orderId}: "${record}"`);
      out.check(record?.startsWith('R|') === true, "the reservation is 'R' (reserved, not yet taken)");

      await gateway.kill();
      const killedAt = Date.now();
      out.say(`kill -9 of the extra gateway (pid ${gateway.pid}); the buyer got ${await answer}`);

      await eventually(
        'the order row',
        async () => (await ordersOf(db, activityId)).some((o) => o.id === orderId),
        { timeoutMs: config.RESERVATION_RECOVERY_AFTER_MS + 20_000, intervalMs: 100 },
      );
      const rowAfterMs = Date.now() - killedAt;
      // The counter moves at the end of a recovery pass, which may finish after the row is written.
      const recoveredNow = async () =>
        metricValue(await api.metrics(api.orderService), 'reservations_recovered_total') - recoveredBefore;
      const recovered = await eventually('the recovery counter', async () => (await recoveredNow()) >= 1, {
        timeoutMs: 10_000,
      }).then(recoveredNow, recoveredNow);
      out.say(
        `order row ${orderId} appeared ${seconds(rowAfterMs)} after the crash ` +
          `(order-service recovery re-publishes 'R' reservations older than ` +
          `RESERVATION_RECOVERY_AFTER_MS=${config.RESERVATION_RECOVERY_AFTER_MS} ms; re-published: ${recovered})`,
      );
      out.check(recovered >= 1, 'the order-service recovery re-published it, so the order row exists');
      const remaining = Number(await redis.get(stockKeys(activityId).stock));
      out.check(remaining === 1, `one unit sold, one left (remaining ${remaining})`);
    } finally {
      await gateway.kill();
    }
  },
});
