import { onOneActivity } from './scenario';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../../test/support/eventually';
import { range } from './support/narrator';
import { ordersOf } from './support/orders-table';
import { stockKeys } from '@app/stock';

const BUYERS = 20;
/** Each buyer pays at its own moment, spread from this long before its order's deadline… */
const FIRST_MS = -300;
/** …to this long after it. */
const LAST_MS = 100;

/** Pay and cancel race at the deadline; two conditional UPDATEs make exactly one of them win. */
export const payVsCancel = onOneActivity({
  name: 'pay-vs-cancel',
  claim: `${BUYERS} orders with a 2 s pay timeout, paid around the deadline: each ends PAID xor CANCELLED`,
  activity: { stock: BUYERS, payTimeoutSeconds: 2 },
  async run({ api, redis, db, out }, activityId) {
    const buyers = range(BUYERS).map((i) => `racer-${activityId}-${i}`);
    const replies = await Promise.all(buyers.map((b) => api.purchase(activityId, b)));
    const rows = await eventually(`${BUYERS} order rows`, async () => {
      const found = await ordersOf(db, activityId);
      return found.length === BUYERS && found;
    });
    const expiry = new Map(rows.map((r) => [r.id, r.expiresAt.getTime()]));

    const answers = await Promise.all(
      replies.map(async ({ body }, i) => {
        const orderId = body.orderId!;
        const offset = FIRST_MS + Math.round(((LAST_MS - FIRST_MS) * i) / (BUYERS - 1));
        await sleep(Math.max(0, expiry.get(orderId)! + offset - Date.now()));
        const { status, body: order } = await api.pay(orderId, buyers[i]);
        return { orderId, offset, status, code: order.code };
      }),
    );
    const paid = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 409 && a.code === 'ORDER_NOT_PAYABLE');
    const lastWin = Math.max(...paid.map((a) => a.offset));
    const firstLoss = Math.min(...refused.map((a) => a.offset));
    out.say(
      `payments fired ${FIRST_MS} ms … +${LAST_MS} ms around each expires_at: ${paid.length} × 200 PAID, ` +
        `${refused.length} × 409 ORDER_NOT_PAYABLE (latest win at ${lastWin} ms, earliest loss at ${firstLoss} ms)`,
    );

    // A cancellation's last step is its stock back in Redis, recorded after: waited for before counting.
    const final = await eventually(
      'no PENDING order left, every cancelled one with its stock back',
      async () => {
        const found = await ordersOf(db, activityId);
        const settled = (o: (typeof found)[number]) =>
          o.status === 'PAID' || (o.status === 'CANCELLED' && o.stockReleasedAt !== null);
        return found.every(settled) && found;
      },
    );
    const status = new Map(final.map((o) => [o.id, o.status]));
    const cancelled = final.filter((o) => o.status === 'CANCELLED').length;
    const remaining = Number(await redis.get(stockKeys(activityId).stock));
    out.say(
      `final: ${final.length - cancelled} PAID, ${cancelled} CANCELLED; stock back in Redis: ${remaining}`,
    );
    out.check(paid.length > 0 && refused.length > 0, 'both sides won some races (the race really happened)');
    out.check(
      final.every((o) => (o.paidAt === null) !== (o.cancelledAt === null)),
      'every order is PAID xor CANCELLED (never both, never neither)',
    );
    out.check(
      paid.every((a) => status.get(a.orderId) === 'PAID') && refused.length === BUYERS - paid.length,
      'every 200 is PAID for good, every other answer was a 409',
    );
    out.check(remaining === cancelled, `stock returned only for the cancelled: ${remaining} = ${cancelled}`);
  },
});
