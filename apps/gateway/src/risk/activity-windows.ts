import { Injectable } from '@nestjs/common';
import { RedisService } from '@app/redis';
import { stockKeys } from '@app/stock';
import { ChangeCounter } from './change-counter';

export interface ActivityWindow {
  startsAt: number;
  endsAt: number;
}
export type WindowVerdict = 'OPEN' | 'NOT_FOUND' | 'NOT_STARTED' | 'ENDED';

/** The same rule as reserve.lua: open from startsAt (inclusive) to endsAt (exclusive). */
export function judgeWindow(window: ActivityWindow | null, now: number): WindowVerdict {
  if (!window) return 'NOT_FOUND';
  if (now < window.startsAt) return 'NOT_STARTED';
  if (now >= window.endsAt) return 'ENDED';
  return 'OPEN';
}

/** Activities remembered at most (unknown ids included): a bot trying ids cannot grow memory. */
const MAX_ENTRIES = 10_000;

/**
 * In-process copy of each activity's sale window, so a purchase outside it is answered without Redis.
 * Filled from Redis meta (what reserve.lua itself checks) on first use, then kept current by the
 * activity channel (create, update) and re-read by the periodic refresh as a backstop.
 */
@Injectable()
export class ActivityWindows {
  private readonly entries = new Map<number, ActivityWindow | null>();
  private readonly loading = new Map<number, Promise<ActivityWindow | null>>();
  readonly changes = new ChangeCounter<number>();

  constructor(private readonly redis: RedisService) {}

  /** Cached, or read once from Redis (concurrent first purchases share that one read). */
  get(activityId: number): ActivityWindow | null | Promise<ActivityWindow | null> {
    if (this.entries.has(activityId)) return this.entries.get(activityId)!;
    let load = this.loading.get(activityId);
    if (!load) {
      load = this.load(activityId).finally(() => this.loading.delete(activityId));
      this.loading.set(activityId, load);
    }
    return load;
  }

  /** A change pushed on the activity channel: it is the newest state, applied as is. */
  applyChange(activityId: number, window: ActivityWindow): void {
    this.changes.bump(activityId);
    this.remember(activityId, window);
  }

  /** A read of Redis (first use or refresh), applied unless a pushed change overtook it. */
  applyRead(activityId: number, window: ActivityWindow | null, stamp: number): void {
    if (this.changes.unchangedSince(activityId, stamp)) this.remember(activityId, window);
  }

  /** What the periodic refresh re-reads: activities not over yet (an end only ever moves earlier). */
  notOver(now: number): number[] {
    return [...this.entries].filter(([, w]) => w !== null && now < w.endsAt).map(([id]) => id);
  }

  /** Unknown ids are remembered until the next refresh only: a create whose message was lost shows up. */
  forgetUnknown(): void {
    for (const [id, window] of this.entries) if (window === null) this.entries.delete(id);
  }

  private async load(activityId: number): Promise<ActivityWindow | null> {
    const stamp = this.changes.stamp(activityId);
    const window = parseWindow(
      await this.redis.client.hmget(stockKeys(activityId).meta, 'startsAt', 'endsAt'),
    );
    this.applyRead(activityId, window, stamp);
    return this.entries.has(activityId) ? this.entries.get(activityId)! : window;
  }

  private remember(activityId: number, window: ActivityWindow | null): void {
    this.entries.delete(activityId);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(activityId, window);
  }
}

/** Redis meta's `startsAt`, `endsAt` (HMGET answer) as a window, or null when the activity is unknown. */
export function parseWindow([startsAt, endsAt]: (string | null)[]): ActivityWindow | null {
  if (startsAt === null || endsAt === null) return null;
  return { startsAt: Number(startsAt), endsAt: Number(endsAt) };
}
