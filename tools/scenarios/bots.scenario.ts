import { onOneActivity } from './scenario';
import { defendedPurchase } from './support/defended-purchase';
import { eventually } from '../../test/support/eventually';
import { range } from './support/narrator';
import { countOrders } from './support/orders-table';

const STOCK = 20;
const BUYERS = 30;
const BITS = 14;
const STARTS_IN_MS = 3_000;

/** 地址隐藏 + 验证: what a script can and cannot do against an activity that opts in to the defences. */
export const bots = onOneActivity({
  name: 'bots',
  claim: `a sale with a purchase token and a ${BITS}-bit challenge: scripts cannot fire early, replay or borrow a token`,
  activity: () => ({
    stock: STOCK,
    startsAt: new Date(Date.now() + STARTS_IN_MS),
    purchaseToken: true,
    challengeBits: BITS,
  }),
  async run({ api, db, out }, activityId, { startsAt }) {
    out.say(
      `activity ${activityId}: ${STOCK} items, opens at ${startsAt.toISOString()}, purchaseToken + ${BITS}-bit challenge`,
    );

    const early = await api.purchase(activityId, 'bot-early');
    const earlyToken = await api.ask('token', activityId, 'bot-early');
    out.check(
      early.body.code === 'PURCHASE_TOKEN_REQUIRED',
      `a purchase fired before the start without a token: 403 ${early.body.code}`,
    );
    out.check(
      earlyToken.body.code === 'NOT_STARTED',
      `a token asked before the start: ${earlyToken.status} ${earlyToken.body.code}`,
    );

    await eventually(
      'the sale to open',
      async () => (await api.ask('token', activityId, 'probe')).body.code !== 'NOT_STARTED',
    );
    const honest = await Promise.all(
      range(BUYERS).map((i) => defendedPurchase(api, activityId, `buyer-${activityId}-${i}`)),
    );
    const accepted = honest.filter((p) => p.reply.status === 202).length;
    const solve = honest.map((p) => p.solveMs).sort((a, b) => a - b);
    out.say(
      `${BUYERS} honest buyers: challenge → solve → token → purchase; ${accepted} × 202, the rest ${honest.find((p) => p.reply.status !== 202)?.reply.body.code ?? '-'}`,
    );
    out.say(
      `solving ${BITS} bits took ${solve[Math.floor(solve.length / 2)].toFixed(0)} ms (median), ${solve[solve.length - 1].toFixed(0)} ms (max); checking it costs the gateway one SHA-256`,
    );
    out.check(accepted === STOCK, `exactly the stock (${STOCK}) is sold to buyers with tokens`);

    const leaked = honest.find((p) => p.token)!.token!;
    const borrowed = await api.purchase(activityId, 'bot-borrower', api.gateway, {
      'purchase-token': leaked,
    });
    out.check(
      borrowed.body.code === 'PURCHASE_TOKEN_INVALID',
      `another buyer's leaked token: 403 ${borrowed.body.code}`,
    );
    const owner = honest.find((p) => p.token === leaked)!;
    const replayed = await api.purchase(
      activityId,
      `buyer-${activityId}-${honest.indexOf(owner)}`,
      api.gateway,
      { 'purchase-token': leaked },
    );
    out.check(
      replayed.body.code === 'PURCHASE_TOKEN_INVALID',
      `the same token replayed by its owner: 403 ${replayed.body.code}`,
    );
    const lazy = await api.ask('token', activityId, 'bot-lazy', { challenge: 'x.y', solution: '0' });
    out.check(
      lazy.body.code === 'CHALLENGE_FAILED',
      `a token asked with a made-up challenge: 403 ${lazy.body.code}`,
    );

    await eventually(`${STOCK} order rows`, async () => (await countOrders(db, activityId)) === STOCK);
  },
});
