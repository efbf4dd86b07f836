import calculateSlot from 'cluster-key-slot';
import { randomUUID } from 'node:crypto';
import { allShardKeys, readRemaining, shardOf, shardTag, takeOut } from '@app/stock';
import { Scenario, ScenarioContext } from './scenario';
import { eventually } from '../../test/support/eventually';
import { range } from './support/narrator';
import { countOrders } from './support/orders-table';
import { reconcile } from './support/reconcile';

const SHARDS = 3;
const STOCK = 30;
const BUYERS = 90;

/** 热点库存分片: one hot item's stock split over shards under their own hash tags (decision 12). */
export const hotItemShards: Scenario = {
  name: 'hot-item-shards',
  claim: `one activity, ${SHARDS} stock shards: ${BUYERS} buyers get exactly ${STOCK}, leftovers move, a transfer cut in half is completed`,
  async run(ctx) {
    const { api, db, out } = ctx;
    const activityId = await api.createActivity({ name: 'hot item', stock: STOCK, stockShards: SHARDS });
    const tags = range(SHARDS).map((i) => shardTag(activityId, i, SHARDS));
    out.say(
      `activity ${activityId}: shards ${tags.map((t) => `{${t}} slot ${calculateSlot(t)}`).join(', ')} — ` +
        'each near the middle of a third of the 16,384 slots, so each on its own master of an even cluster',
    );
    const replies = await Promise.all(
      range(BUYERS).map((i) => api.purchase(activityId, `hot-${activityId}-${i}`)),
    );
    const accepted = replies.filter((r) => r.status === 202).length;
    const soldOut = replies.filter((r) => r.body.code === 'SOLD_OUT').length;
    const stocks = await shardStocks(ctx, activityId, SHARDS);
    out.say(`${accepted} × 202, ${soldOut} × SOLD_OUT; shards now ${stocks.join(' / ')}`);
    out.check(accepted === STOCK && soldOut === BUYERS - STOCK, `exactly ${STOCK} sold over the shards`);
    out.check(
      stocks.every((s) => s === 0),
      'SOLD_OUT only once every shard is empty',
    );
    await eventually(`${STOCK} order rows`, async () => (await countOrders(db, activityId)) === STOCK);
    await reconcile(ctx, activityId);
    await leftovers(ctx);
    await halfTransfer(ctx);
  },
};

/** Buyers who all hash to shard 0 still buy the whole stock: the other shards' leftovers move to theirs. */
async function leftovers(ctx: ScenarioContext): Promise<void> {
  const { api, out } = ctx;
  const activityId = await api.createActivity({ name: 'one home shard', stock: 9, stockShards: SHARDS });
  const buyers = range(200)
    .map((i) => `home0-${activityId}-${i}`)
    .filter((u) => shardOf(u, SHARDS) === 0)
    .slice(0, 10);
  const codes: string[] = [];
  for (const buyer of buyers) {
    const reply = await api.purchase(activityId, buyer);
    codes.push(reply.status === 202 ? '202' : (reply.body.code ?? String(reply.status)));
  }
  out.say(`10 buyers whose home is shard 0 (it holds 3 of 9), one after the other: ${codes.join(' ')}`);
  out.check(
    codes.slice(0, 9).every((c) => c === '202') && codes[9] === 'SOLD_OUT',
    'all 9 sold to them: leftovers moved from shards 1 and 2 into shard 0; the 10th is SOLD_OUT',
  );
  await reconcile(ctx, activityId);
}

/** The donor half of a transfer alone (a gateway killed between the steps): recovery applies the rest. */
async function halfTransfer(ctx: ScenarioContext): Promise<void> {
  const { api, redis, out } = ctx;
  const activityId = await api.createActivity({ name: 'half transfer', stock: 9, stockShards: SHARDS });
  const from = { donor: 1, home: 0, shards: SHARDS };
  const { moved } = await takeOut(redis, activityId, from, 1, randomUUID());
  const cut = await shardStocks(ctx, activityId, SHARDS);
  out.say(
    `only the donor step ran: ${moved} units out of shard 1, none into shard 0 — shards ${cut.join(' / ')}`,
  );
  const healed = await eventually(
    'the recovery to apply the transfer',
    async () => {
      const now = await shardStocks(ctx, activityId, SHARDS);
      return now[0] === cut[0] + moved && now;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  const total = await readRemaining(redis, activityId, SHARDS);
  out.check(
    total === 9,
    `the order-service's recovery applied it once: shards ${healed.join(' / ')}, total ${total}`,
  );
  await reconcile(ctx, activityId);
}

function shardStocks({ redis }: ScenarioContext, activityId: number, shards: number): Promise<number[]> {
  return Promise.all(allShardKeys(activityId, shards).map(async (k) => Number(await redis.get(k.stock))));
}
