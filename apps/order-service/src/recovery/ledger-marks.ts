import { randomUUID } from 'node:crypto';
import { RedisClient, RedisServer, rebuiltRunIdKey } from '@app/redis';

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

/**
 * These servers are as good as the ledger: each gets its own run id in its `rebuiltRunIdKey`, which lifts
 * the gateways' hold on it (SaleHold). `unlessDone`: read first, written only where it is not so already.
 */
export async function vouchFor(
  redis: RedisClient,
  servers: RedisServer[],
  { unlessDone = false } = {},
): Promise<void> {
  const now = unlessDone ? await Promise.all(servers.map((s) => redis.get(rebuiltRunIdKey(s)))) : [];
  const due = servers.filter((s, i) => now[i] !== s.runId);
  await Promise.all(due.map((s) => redis.set(rebuiltRunIdKey(s), s.runId)));
}
