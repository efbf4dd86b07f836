import Redis, { Cluster, RedisOptions } from 'ioredis';
import type { AppConfig } from '@app/config';

/** One Redis server or a Redis Cluster: the same commands, so nothing else needs to know which. */
export type RedisClient = Redis | Cluster;

/**
 * The only place that chooses the topology: REDIS_CLUSTER_NODES set means a Cluster seeded from those
 * nodes, otherwise one server at REDIS_URL. `options` apply to every connection (each node's, on a
 * cluster); lazyConnect, the offline queue, auto-pipelining and the retry strategy to the cluster as a whole.
 * Multi-key commands and scripts must keep their keys in one hash slot (`{activityId}`) to run on a cluster.
 */
export function createRedisClient(
  config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>,
  options: RedisOptions = {},
): RedisClient {
  if (config.REDIS_CLUSTER_NODES.length === 0) return new Redis(config.REDIS_URL, options);
  const { lazyConnect, enableOfflineQueue, enableAutoPipelining, retryStrategy, ...perNode } = options;
  return new Cluster(
    config.REDIS_CLUSTER_NODES.map((node) => {
      const at = node.lastIndexOf(':');
      return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
    }),
    {
      lazyConnect,
      enableOfflineQueue,
      enableAutoPipelining,
      clusterRetryStrategy: retryStrategy && ((times) => retryStrategy(times) ?? null),
      // Writes and the scripts' reads go to masters only: a replica may lag behind its master.
      scaleReads: 'master',
      // After a master dies its slots answer CLUSTERDOWN until a replica is promoted (node timeout 3 s locally).
      retryDelayOnClusterDown: 200,
      retryDelayOnFailover: 200,
      redisOptions: perNode,
    },
  );
}

/**
 * Redis's own clock (epoch ms): the one reservations are stamped with, so that every service judges their
 * age alike whatever its own clock says. On a cluster, the clock of whichever node answers.
 */
export async function redisNow(client: RedisClient): Promise<number> {
  const [seconds, micros] = await client.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
