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
