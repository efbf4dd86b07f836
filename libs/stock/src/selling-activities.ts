import { Injectable, Logger } from '@nestjs/common';
import { join } from 'node:path';
import { LuaScript, RedisClient, RedisService } from '@app/redis';

/**
 * The activities recovery visits (sorted set: activity id → Redis time, ms, it was last announced): a
 * gateway announces an activity before it reserves in it, at most every SELLING_ANNOUNCE_EVERY_MS; recovery
 * lets it go once nothing of it is in flight and no announcement came for SELLING_HOLD_MS. So recovery's
 * work follows the sales going on, not the catalogue. One key, written by single commands (not by
 * reserve.lua): on a Redis Cluster it lives in a slot of its own.
 */
export const SELLING_ACTIVITIES_KEY = 'seckill:selling';
/** A gateway announces an activity it sells in again after this long. */
export const SELLING_ANNOUNCE_EVERY_MS = 5_000;
/**
 * How long after its last announcement recovery keeps an activity: three times as long as a gateway relies
 * on one (SELLING_ANNOUNCE_EVERY_MS), so a reservation sent under it has run by then (a command stuck on
 * the wire for longer has timed out: its attempt is abandoned, and recovery's backstop finds it anyway).
 */
export const SELLING_HOLD_MS = 15_000;

const announce = new LuaScript(join(__dirname, 'announce-selling.lua'));
const leave = new LuaScript(join(__dirname, 'leave-selling.lua'));

/**
 * Puts activities in the set recovery visits, stamped now by Redis's clock; `backdateMs` > SELLING_HOLD_MS
 * asks for a single look (after a rebuild, a wipe, a start), unless a gateway announces it meanwhile.
 */
export async function announceSelling(redis: RedisClient, ids: number[], backdateMs = 0): Promise<void> {
  for (let i = 0; i < ids.length; i += 1_000) {
    await announce.run(redis, [SELLING_ACTIVITIES_KEY], [backdateMs, ...ids.slice(i, i + 1_000)]);
  }
}

/** The activities recovery visits, each with the stamp of its latest announcement. */
export async function sellingActivities(redis: RedisClient): Promise<{ id: number; stamp: number }[]> {
  const flat = await redis.zrange(SELLING_ACTIVITIES_KEY, '0', '-1', 'WITHSCORES');
  const out: { id: number; stamp: number }[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ id: Number(flat[i]), stamp: Number(flat[i + 1]) });
  return out;
}

/** Lets an activity go, unless it was announced again since `stamp`; true when it left. */
export async function leaveSelling(redis: RedisClient, id: number, stamp: number): Promise<boolean> {
  return (await leave.run(redis, [SELLING_ACTIVITIES_KEY], [id, stamp])) === 1;
}

/**
 * Tells recovery which activities this gateway reserves in (above), before it
 * reserves: at most one command per activity every SELLING_ANNOUNCE_EVERY_MS, and not awaited — on one
 * Redis it goes out on the connection ahead of the reservation, so Redis runs it first (unless Redis did
 * not know the script yet: then its second try follows the reservation by a round trip). On a cluster the
 * two go to different nodes. A failed or late announcement is tried again by the next purchase; for a
 * gateway killed in that moment, recovery's turns over the open activities are the backstop.
 */
@Injectable()
export class SellingAnnouncements {
  private readonly logger = new Logger(SellingAnnouncements.name);
  /** activity id → when it was last announced (performance.now()) */
  private readonly announced = new Map<number, number>();

  constructor(private readonly redis: RedisService) {}

  /** Before a reservation in this activity. */
  before(activityId: number): void {
    const now = performance.now();
    const last = this.announced.get(activityId);
    if (last !== undefined && now - last < SELLING_ANNOUNCE_EVERY_MS) return;
    this.announced.set(activityId, now);
    announceSelling(this.redis.client, [activityId]).catch((err: Error) => {
      if (this.announced.get(activityId) === now) this.announced.delete(activityId);
      this.logger.warn({ msg: 'selling announcement failed', activityId, err: err.message });
    });
  }
}
