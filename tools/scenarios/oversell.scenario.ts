import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { stockKeys } from '@app/stock';
import { checkThenAct, decrThenCheck } from './naive-stock';
import { Scenario, ScenarioContext } from './scenario';
import { range } from './support/narrator';
import { countOrders } from './support/orders-table';
import { eventually } from '../../test/support/eventually';
import { reconcile } from './support/reconcile';

const STOCK = 10;
const BUYERS = 200;
const CONNECTIONS = 8;
const CRASHES = 3;

/** 超卖: why the reservation is one Lua script, not DECR-then-check. */
export const oversell: Scenario = {
  name: 'oversell',
  claim: `${BUYERS} concurrent buyers, ${STOCK} items: naive GET/DECR oversells, reserve.lua sells exactly ${STOCK}`,
  async run(ctx) {
    const { config, out } = ctx;
    const connections = range(CONNECTIONS).map(() => new Redis(config.REDIS_URL));
    // Scratch keys, so the naive code never touches a real activity.
    const key = `scenario:oversell:${randomUUID()}:stock`;
    try {
      await connections[0].set(key, STOCK);
      const sold = await checkThenAct(connections, key, BUYERS);
      const left = Number(await connections[0].get(key));
      out.say(`naive check-then-act (GET, then DECR if > 0): sold ${sold} of ${STOCK}, stock now ${left}`);
      out.check(sold > STOCK, `check-then-act oversells: ${sold} sold > ${STOCK} in stock`);

      await connections[0].set(key, STOCK);
      const naive = await decrThenCheck(connections, key, BUYERS, CRASHES);
      const stuck = Number(await connections[0].get(key));
      out.say(
        `naive DECR-then-check (INCR back if < 0): sold ${naive.sold}, but the stock went down to ` +
          `${naive.lowest}; ${naive.crashed} buyers "crashed" between DECR and INCR, the stock stays at ${stuck}`,
      );
      out.check(naive.lowest < 0, `DECR-then-check drives the stock below zero (lowest ${naive.lowest})`);
      await connections[0].incr(key); // a paid order is cancelled: its unit comes back…
      const retry = await connections[0].decr(key); // …and the next buyer still finds nothing
      out.check(
        stuck < 0 && retry < 0,
        `a crash between DECR and INCR loses stock: a returned unit leaves the stock at ${retry + 1}, unsellable`,
      );
    } finally {
      await connections[0].del(key);
      connections.forEach((c) => c.disconnect());
    }
    await throughTheGateway(ctx);
  },
};

/** The real path: reserve.lua via the gateway, while a watcher reads the stock key as fast as it can. */
async function throughTheGateway(ctx: ScenarioContext): Promise<void> {
  const { api, redis, db, out } = ctx;
  const activityId = await ctx.api.createActivity({ name: 'oversell', stock: STOCK });
  const stockKey = stockKeys(activityId).stock;
  let lowest = STOCK;
  let buying = true;
  const watcher = (async () => {
    while (buying) lowest = Math.min(lowest, Number(await redis.get(stockKey)));
  })();
  const replies = await Promise.all(
    range(BUYERS).map((i) => api.purchase(activityId, `oversell-${activityId}-${i}`)),
  );
  buying = false;
  await watcher;

  const accepted = replies.filter((r) => r.status === 202).length;
  const soldOut = replies.filter((r) => r.body.code === 'SOLD_OUT').length;
  const remaining = Number(await redis.get(stockKey));
  out.say(
    `reserve.lua via the gateway (activity ${activityId}): ${accepted} × 202, ${soldOut} × SOLD_OUT, ` +
      `lowest stock seen ${lowest}, now ${remaining}`,
  );
  out.check(accepted === STOCK && soldOut === BUYERS - STOCK, `the Lua script sells exactly ${STOCK}`);
  out.check(lowest >= 0 && remaining === 0, 'the stock never goes below 0');
  await eventually(`${STOCK} order rows`, async () => (await countOrders(db, activityId)) === STOCK);
  await reconcile(ctx, activityId);
}
