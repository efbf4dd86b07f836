import { randomUUID } from 'node:crypto';
import { RedisClient, RedisServer } from '@app/redis';

/**
 * A key on this server that only a wipe takes away: the first `seckill:{ledger-mark-<n>}` the server holds
 * (on a single Redis, n = 0; on a cluster, one per master).
 */
export function markOf(server: RedisServer): string {
  for (let n = 0; ; n++) {
    const key = `seckill:{ledger-mark-${n}}`;
    if (server.holds(key) || n >= 10_000) return key;
  }
}

/**
 * The marks' tokens a full check goes by, a new token set first where a mark is gone: a wipe from now on
 * takes it away, so it is noticed at the next pass; and every other instance finds a token it has not
 * checked against, so each checks too (one that dies mid-check leaves the others to it).
 */
export async function renewMarks(
  redis: RedisClient,
  marks: string[],
  tokens: (string | null)[],
): Promise<(string | null)[]> {
  for (const [i, key] of marks.entries()) if (tokens[i] === null) await redis.set(key, randomUUID(), 'NX');
  return Promise.all(marks.map((key) => redis.get(key)));
}
