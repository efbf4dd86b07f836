import calculateSlot from 'cluster-key-slot';
import Redis, { Cluster } from 'ioredis';
import type { RedisClient } from './redis-client';

/** One server holding keys: the single Redis, or one master of a cluster. */
export interface RedisServer {
  /** changes whenever the server restarts (perhaps from an older AOF) or another one takes its place */
  runId: string;
  /** whether this server holds the key (as far as the client's slot map knows) */
  holds(key: string): boolean;
}

/**
 * Every server that holds keys, each asked for its own run id: on a cluster every master, not whichever
 * node a keyless command happens to reach.
 */
export async function redisServers(client: RedisClient): Promise<RedisServer[]> {
  if (!(client instanceof Cluster)) return [{ runId: await runIdOf(client), holds: () => true }];
  return Promise.all(
    client.nodes('master').map(async (node) => {
      const at = `${node.options.host}:${node.options.port}`;
      const runId = await runIdOf(node);
      return { runId, holds: (key: string) => client.slots[calculateSlot(key)]?.[0] === at };
    }),
  );
}

async function runIdOf(node: Redis): Promise<string> {
  const runId = /run_id:(\w+)/.exec(await node.info('server'))?.[1];
  if (!runId) throw new Error('Redis INFO server has no run_id');
  return runId;
}

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
 * On the server's own slot, beside its mark: the run id the ledger last rebuilt it as (written by the
 * order-service at the end of a full check). A server whose run id is not the one written here (it
 * restarted, perhaps from an older AOF, or a replica took its place) may be behind the ledger.
 */
export const rebuiltRunIdKey = (server: RedisServer): string => `${markOf(server)}:rebuilt-run-id`;
