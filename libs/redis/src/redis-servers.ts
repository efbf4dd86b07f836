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
 * node a keyless command happens to reach. Throws while a cluster has a gap (`serversOrGap`).
 */
export async function redisServers(client: RedisClient): Promise<RedisServer[]> {
  const found = await serversOrGap(client);
  if ('gap' in found) throw new Error(`the Redis servers cannot all be asked: ${found.gap}`);
  return found.servers;
}

/** A cluster's slots: each key's slot has one master. */
const SLOTS = 16_384;

/**
 * What a purchase may reach now: every server with its run id, or the gap that leaves a server unknown. On
 * a cluster, a slot owned by no master the client lists (a master died and the client's connection to it
 * ended: the replica that takes its place, perhaps without the master's last writes, is not yet known), or
 * a master that does not answer (dead, or slower than the command timeout). A single Redis has no such gap:
 * its dropped connection is the client's own 'close'.
 */
export async function serversOrGap(
  client: RedisClient,
): Promise<{ servers: RedisServer[] } | { gap: string }> {
  if (!(client instanceof Cluster)) return { servers: [{ runId: await runIdOf(client), holds: () => true }] };
  const masters = client.nodes('master');
  const listed = new Set(masters.map(keyOf));
  let gap = '';
  for (let slot = 0; slot < SLOTS && !gap; slot++) {
    const owner = client.slots[slot]?.[0]; // a slot no master was ever given (not full coverage) is no gap
    if (owner !== undefined && !listed.has(owner)) gap = `slot ${slot} has no master this client knows`;
  }
  if (!gap)
    try {
      return { servers: await mastersOf(client, masters) };
    } catch (err) {
      gap = `a master does not answer: ${(err as Error).message}`;
    }
  // The slot map is otherwise refreshed only by a redirect, which neither a held gateway nor an idle
  // order-service causes (each refresh opens a connection: one per SLOT_REFRESH_MS at most).
  const now = Date.now();
  if (now - (refreshedAt.get(client) ?? 0) >= SLOT_REFRESH_MS) {
    refreshedAt.set(client, now);
    client.refreshSlotsCache();
  }
  return { gap };
}

const SLOT_REFRESH_MS = 500;
const refreshedAt = new WeakMap<Cluster, number>();

const keyOf = (node: Redis): string => `${node.options.host}:${node.options.port}`;

function mastersOf(client: Cluster, masters: Redis[]): Promise<RedisServer[]> {
  return Promise.all(
    masters.map(async (node) => {
      const at = keyOf(node);
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
