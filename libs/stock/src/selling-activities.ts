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
 * Tells recovery which activities this gateway reserves in (above), before it reserves: at most one
 * command per activity every SELLING_ANNOUNCE_EVERY_MS, awaited by the purchases that meet it, so the
 * activity is in the set before any of their reservations runs (on a cluster too, where the two live on
 * different nodes). A failed announcement is logged and tried again by the next purchase; whatever a
 * gateway reserved without one (Redis failed it, the gateway was killed) is found by recovery's turns over
 * the open activities, and once the activity is over by retention, which announces what it finds in flight.
 */
@Injectable()
export class SellingAnnouncements {
  private readonly logger = new Logger(SellingAnnouncements.name);
  /** activity id → its latest announcement: when it was sent (performance.now()), and until it lands, its promise */
  private readonly announced = new Map<number, { at: number; landing: Promise<void> | null }>();

  constructor(private readonly redis: RedisService) {}

  /**
   * What a reservation in this activity awaits first: null once its announcement has landed, within
   * SELLING_ANNOUNCE_EVERY_MS (a Map lookup, the usual case); else the announcement in flight, or a new one.
   */
  pending(activityId: number): Promise<void> | null {
    const last = this.announced.get(activityId);
    if (last && performance.now() - last.at < SELLING_ANNOUNCE_EVERY_MS) return last.landing;
    const entry = { at: performance.now(), landing: null as Promise<void> | null };
    entry.landing = announceSelling(this.redis.client, [activityId]).then(
      () => void (entry.landing = null),
      (err: Error) => {
        if (this.announced.get(activityId) === entry) this.announced.delete(activityId);
        this.logger.warn({ msg: 'selling announcement failed', activityId, err: err.message });
      },
    );
    this.announced.set(activityId, entry);
    return entry.landing;
  }
}
