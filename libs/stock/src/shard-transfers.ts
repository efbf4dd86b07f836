import { randomUUID } from 'node:crypto';
import { RedisClient } from '@app/redis';
import { allShardKeys, shardKeys } from './stock-shards';
import { STOCK_SCRIPTS } from './stock-scripts';

export type TransferApplied = 'APPLIED' | 'ALREADY' | 'STALE';

export interface Moved {
  /** units now in the home shard (0: the donor had none) */
  moved: number;
  /** what the donor has left */
  donorRemaining: number;
}

/**
 * Leftovers moved (decision 12): takes stock out of `donor` into the buyer's `home` shard in two steps,
 * each atomic in its own slot — out (decrement + a record of the transfer id), then in (an idempotent
 * apply of that id) — and drops the record once applied. Killed between the steps, the units are in
 * transit: recovery (`completeTransfers`) applies them; they are never lost for good nor created.
 */
export async function moveLeftovers(
  redis: RedisClient,
  activityId: number,
  from: { donor: number; home: number; shards: number },
  needed: number,
): Promise<Moved> {
  const { home, shards } = from;
  const id = randomUUID();
  const { moved, donorRemaining, rebuilds } = await takeOut(redis, activityId, from, needed, id);
  if (moved === 0) return { moved, donorRemaining };
  const applied = await applyTransfer(redis, activityId, { id, home, moved, rebuilds }, shards);
  if (applied !== 'STALE') await redis.hdel(shardKeys(activityId, from.donor, shards).transfersOut, id);
  return { moved: applied === 'STALE' ? 0 : moved, donorRemaining };
}

/**
 * The first step alone (transfer-out.lua): what a gateway killed right after it leaves behind — units
 * in transit, recorded under `transferId` in the donor shard.
 */
export async function takeOut(
  redis: RedisClient,
  activityId: number,
  { donor, home, shards }: { donor: number; home: number; shards: number },
  needed: number,
  transferId: string,
): Promise<Moved & { rebuilds: number }> {
  const k = shardKeys(activityId, donor, shards);
  const [moved, donorRemaining, rebuilds] = (await STOCK_SCRIPTS.transferOut.run(
    redis,
    [k.stock, k.transfersOut, k.meta],
    [transferId, home, needed],
  )) as number[];
  return { moved, donorRemaining, rebuilds };
}

interface Transfer {
  id: string;
  home: number;
  moved: number;
  rebuilds: number;
}

function applyTransfer(redis: RedisClient, activityId: number, t: Transfer, shards: number) {
  const k = shardKeys(activityId, t.home, shards);
  return STOCK_SCRIPTS.transferIn.run(
    redis,
    [k.stock, k.transfersIn, k.meta],
    [t.id, t.moved, t.rebuilds],
  ) as Promise<TransferApplied>;
}

/** A shard's recorded transfers out: `toShard|quantity|at|rebuilds`. */
async function transfersOut(redis: RedisClient, key: string): Promise<(Transfer & { at: number })[]> {
  return Object.entries(await redis.hgetall(key)).map(([id, record]) => {
    const [home, moved, at, rebuilds] = record.split('|').map(Number);
    return { id, home, moved, at, rebuilds };
  });
}

/** Every transfer out recorded on any of the activity's shards, with the record's key. */
async function* everyTransferOut(redis: RedisClient, activityId: number, shards: number) {
  for (const k of allShardKeys(activityId, shards)) {
    for (const t of await transfersOut(redis, k.transfersOut)) yield { key: k.transfersOut, t };
  }
}

/**
 * Recovery's half of the transfer: applies every transfer recorded out before `olderThan` (the gateway
 * that took it out died, or its second step failed) and drops its record. Applying twice is harmless, so
 * racing a live gateway is too. A STALE one (a rebuild between the steps) is left to the rebuild, which
 * clears the records of the shards it resets. Returns the number of transfers completed.
 */
export async function completeTransfers(
  redis: RedisClient,
  activityId: number,
  shards: number,
  olderThan: number,
): Promise<number> {
  let completed = 0;
  for await (const { key, t } of everyTransferOut(redis, activityId, shards)) {
    if (t.at > olderThan) continue;
    if ((await applyTransfer(redis, activityId, t, shards)) === 'STALE') continue;
    await redis.hdel(key, t.id);
    completed++;
  }
  return completed;
}

/** Whether any shard holds a transfer out not known applied yet (its units are in transit, or just landed). */
export async function transfersPending(
  redis: RedisClient,
  activityId: number,
  shards: number,
): Promise<boolean> {
  const counts = await Promise.all(allShardKeys(activityId, shards).map((k) => redis.hlen(k.transfersOut)));
  return counts.some((n) => n > 0);
}

/** Units taken out of a donor and not applied to their home shard yet (for reconcile's conservation). */
export async function unitsInTransit(
  redis: RedisClient,
  activityId: number,
  shards: number,
): Promise<number> {
  let units = 0;
  for await (const { t } of everyTransferOut(redis, activityId, shards)) {
    const home = shardKeys(activityId, t.home, shards);
    if (!(await redis.hexists(home.transfersIn, t.id))) units += t.moved;
  }
  return units;
}
