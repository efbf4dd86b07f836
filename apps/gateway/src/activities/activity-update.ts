import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { activitiesTable } from '@app/database';
import { notFound, unavailable, validationFailed } from '@app/common';
import { LuaScript, RedisService } from '@app/redis';
import { STOCK_LUA, allShardKeys, stockKeys } from '@app/stock';
import { UpdateActivityDto } from './update-activity.dto';

const syncScript = new LuaScript(join(__dirname, 'activity-update.lua'), STOCK_LUA);

/**
 * An admin update keeps conservation (Redis remaining + live orders = the row's stock, once a rebuild's
 * stockDebt is paid: the top-up pays it first) by writing PostgreSQL first, then Redis:
 * - one UPDATE applies it to the row (stock only grows; ending moves endsAt to now and, for a sale not
 *   started yet, startsAt just before it, as the table requires startsAt < endsAt);
 * - activity-update.lua then adds to Redis exactly what Redis's copy of the total lacks, in one step.
 * Between the two, Redis holds less than the row says, never more: the worst case is unsold units,
 * never an oversell. If the Redis step fails, the answer is 503 and the same request, repeated, finishes
 * it: both steps are idempotent (a new total, not an increment; an end that only moves earlier).
 */
export async function updateActivity(
  db: DataSource,
  redis: RedisService,
  id: number,
  update: UpdateActivityDto,
): Promise<void> {
  const [row] = await activitiesTable.update(db, id, update.stock ?? null, update.endNow === true);
  if (!row) throw await whyNotUpdated(db, id);

  // A sharded activity's stock never changes (refused above), so the script only moves each copy of its
  // window: the shards' (which reserve.lua judges by), then the activity's own.
  const keys = [...(row.stockShards > 1 ? allShardKeys(id, row.stockShards) : []), stockKeys(id)];
  for (const k of keys) {
    let synced: unknown[];
    try {
      synced = (await syncScript.run(
        redis.client,
        [k.meta, k.stock],
        [id, row.stock, row.startsAt.getTime(), row.endsAt.getTime()],
      )) as unknown[];
    } catch {
      throw unavailable('the activity was saved but Redis was not updated; repeat the same request');
    }
    if (synced[0] !== 'OK') throw unavailable(`activity ${id} is not warmed in Redis`);
  }
}

async function whyNotUpdated(db: DataSource, id: number): Promise<Error> {
  const [current] = await activitiesTable.byId(db, id);
  if (!current) return notFound(`activity ${id}`);
  if (current.stockShards > 1)
    return validationFailed(`the stock of an activity with stock shards cannot change`);
  return validationFailed(`stock can only grow: the activity has ${current.stock}`);
}
