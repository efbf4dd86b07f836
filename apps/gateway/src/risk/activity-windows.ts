import { Injectable } from '@nestjs/common';
import { WAITING_ROOM_FIELDS, WaitingRoomRules, parseWaitingRoomMeta } from '@app/contracts';
import { RedisService } from '@app/redis';
import { stockKeys } from '@app/stock';
import { ChangeCounter } from './sold-out-flags';

export interface ActivityWindow {
  startsAt: number;
  endsAt: number;
  /** the activity's bot defences, when it has any (set at creation, never changed) */
  defences?: PurchaseDefences;
  /** the activity's waiting room, when it has one (set at creation, never changed) */
  room?: WaitingRoomRules;
}
export interface PurchaseDefences {
  /** purchases need a purchase token */
  token: boolean;
  /** leading zero bits of the proof-of-work asked before a token; 0 = none */
  challengeBits: number;
}
/** The meta fields a window is read from (HMGET order of parseWindow). */
export const WINDOW_FIELDS = [
  'startsAt',
  'endsAt',
  'purchaseToken',
  'challengeBits',
  ...WAITING_ROOM_FIELDS,
] as const;
export type WindowVerdict = 'OPEN' | 'NOT_FOUND' | 'NOT_STARTED' | 'ENDED';

/** The same rule as reserve.lua: open from startsAt (inclusive) to endsAt (exclusive). */
export function judgeWindow(window: ActivityWindow | null, now: number): WindowVerdict {
  if (!window) return 'NOT_FOUND';
  if (now < window.startsAt) return 'NOT_STARTED';
  if (now >= window.endsAt) return 'ENDED';
  return 'OPEN';
}

/** Activities remembered at most: a bot trying ids cannot grow memory. */
const MAX_ENTRIES = 10_000;
/** Unknown ids remembered at most, apart: ids nobody created never push a real activity out. */
const MAX_UNKNOWN = 1_000;

/**
 * In-process copy of each activity's sale window, so a purchase outside it is answered without Redis.
 * Filled from Redis meta (what reserve.lua itself checks) on first use, then kept current by the
 * activity channel (create, update) and re-read by the periodic refresh as a backstop.
 */
@Injectable()
export class ActivityWindows {
  private readonly entries = new Map<number, ActivityWindow>();
  private readonly unknown = new Set<number>();
  private readonly loading = new Map<number, Promise<ActivityWindow | null>>();
  readonly changes = new ChangeCounter<number>();

  constructor(private readonly redis: RedisService) {}

  /** The cached window (null: known unknown), or undefined when `get` would have to read it. */
  cached(activityId: number): ActivityWindow | null | undefined {
    return this.entries.get(activityId) ?? (this.unknown.has(activityId) ? null : undefined);
  }

  /** True when `get` would read Redis (neither cached nor being read): the caller's limits come first. */
  needsRead(activityId: number): boolean {
    return !this.entries.has(activityId) && !this.unknown.has(activityId) && !this.loading.has(activityId);
  }

  /** Cached, or read once from Redis (concurrent first purchases share that one read). */
  get(activityId: number): ActivityWindow | null | Promise<ActivityWindow | null> {
    if (this.entries.has(activityId)) return this.entries.get(activityId)!;
    if (this.unknown.has(activityId)) return null;
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
    this.remember(activityId, this.withKnown(activityId, window));
  }

  /** A read of Redis (first use or refresh), applied unless a pushed change overtook it. */
  applyRead(activityId: number, window: ActivityWindow | null, stamp: number): void {
    if (this.changes.unchangedSince(activityId, stamp))
      this.remember(activityId, window && this.withKnown(activityId, window));
  }

  /**
   * Defences and the room are set once, at creation, and never taken away: an update's message need not
   * repeat them, and a meta read while a rebuild is writing it back must not drop them.
   */
  private withKnown(activityId: number, window: ActivityWindow): ActivityWindow {
    const known = this.entries.get(activityId);
    const defences = window.defences ?? known?.defences;
    const room = window.room ?? known?.room;
    return { ...window, ...(defences && { defences }), ...(room && { room }) };
  }

  /** What the periodic refresh re-reads: activities not over yet (an end only ever moves earlier). */
  notOver(now: number): number[] {
    return [...this.entries].filter(([, w]) => now < w.endsAt).map(([id]) => id);
  }

  /** Unknown ids are remembered until the next refresh only: a create whose message was lost shows up. */
  forgetUnknown(): void {
    this.unknown.clear();
  }

  private async load(activityId: number): Promise<ActivityWindow | null> {
    const stamp = this.changes.stamp(activityId);
    const window = parseWindow(await this.redis.client.hmget(stockKeys(activityId).meta, ...WINDOW_FIELDS));
    this.applyRead(activityId, window, stamp);
    return this.entries.get(activityId) ?? (this.unknown.has(activityId) ? null : window);
  }

  private remember(activityId: number, window: ActivityWindow | null): void {
    this.entries.delete(activityId);
    this.unknown.delete(activityId);
    const [map, max] = window ? [this.entries, MAX_ENTRIES] : [this.unknown, MAX_UNKNOWN];
    if (map.size >= max) map.delete(map.keys().next().value!);
    if (window) this.entries.set(activityId, window);
    else this.unknown.add(activityId);
  }
}

/** Redis meta's WINDOW_FIELDS (HMGET answer) as a window, or null when the activity is unknown. */
export function parseWindow([startsAt, endsAt, token, bits, ...room]: (
  string | null
)[]): ActivityWindow | null {
  if (startsAt === null || endsAt === null) return null;
  const window: ActivityWindow = { startsAt: Number(startsAt), endsAt: Number(endsAt) };
  if (token === '1') window.defences = { token: true, challengeBits: Number(bits ?? 0) };
  const rules = parseWaitingRoomMeta(room);
  if (rules) window.room = rules;
  return window;
}
