import { Injectable } from '@nestjs/common';

/**
 * Counts the changes pushed (by pub/sub) for each key. A read sent over the command connection may be
 * answered after a newer pushed change was applied — the two travel on different connections — so a
 * read result is applied only if no change arrived for its key while it was in flight.
 */
export class ChangeCounter<K> {
  private readonly counts = new Map<K, number>();

  stamp(key: K): number {
    return this.counts.get(key) ?? 0;
  }

  bump(key: K): void {
    this.counts.set(key, this.stamp(key) + 1);
  }

  unchangedSince(key: K, stamp: number): boolean {
    return this.stamp(key) === stamp;
  }
}

/**
 * In-process "sold out" flag per activity: once Redis says an activity has no stock left, late
 * purchases are answered SOLD_OUT here, without a Redis call.
 *
 * Set when a reservation answer shows 0 left, or when the stock channel says so (reserve.lua publishes
 * when it sells the last unit, so every instance learns it, not only the one that sold it). Cleared when
 * the stock channel says stock came back (release.lua: a timeout or undo gave units back from 0;
 * activity-update.lua: a top-up). The periodic refresh re-reads the stock of every flagged activity as a
 * backstop for a lost message.
 */
@Injectable()
export class SoldOutFlags {
  private readonly soldOut = new Set<number>();
  private readonly changes = new ChangeCounter<number>();

  isSoldOut(activityId: number): boolean {
    return this.soldOut.has(activityId);
  }

  /** Taken before a read of the stock is sent; `applyRead` discards the read if a change came in since. */
  stamp(activityId: number): number {
    return this.changes.stamp(activityId);
  }

  /** A change pushed on the stock channel: the newest state, applied as is. */
  applyChange(activityId: number, remaining: number): void {
    this.changes.bump(activityId);
    this.set(activityId, remaining);
  }

  /**
   * A remaining stock read over the command connection (a reservation answer, a refresh), taken when
   * `stamp` was current. Discarded if a pushed change arrived meanwhile: that change is newer.
   */
  applyRead(activityId: number, remaining: number, stamp: number): void {
    if (this.changes.unchangedSince(activityId, stamp)) this.set(activityId, remaining);
  }

  flagged(): number[] {
    return [...this.soldOut];
  }

  private set(activityId: number, remaining: number): void {
    if (remaining <= 0) this.soldOut.add(activityId);
    else this.soldOut.delete(activityId);
  }
}
