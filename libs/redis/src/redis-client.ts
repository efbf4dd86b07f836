import Redis, { Cluster, Command, RedisOptions } from 'ioredis';
import type { Socket } from 'node:net';
import type { AppConfig } from '@app/config';

/** One Redis server or a Redis Cluster: the same commands, so nothing else needs to know which. */
export type RedisClient = Redis | Cluster;

/**
 * One server's connection whose commands issued in one turn of the event loop go out in one write: the
 * socket is corked at the turn's first command and uncorked once the turn's I/O callbacks have run
 * (setImmediate), so that a burst of reservations read from many HTTP connections costs one system call.
 * ioredis' auto-pipelining does the same with a Pipeline per turn, a promise and a callback per command
 * and a reply array per batch; corking writes each command as it comes and leaves its reply to the
 * command itself, at about two thirds of the client's CPU per command (docs/benchmarks.md, "Where the
 * time goes"). Order, replies and failures are those of plain commands on one connection.
 */
export class TurnBatchedRedis extends Redis {
  private corked?: Socket;

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    if (!stream && !this.corked && this.stream?.writable) {
      const socket = (this.corked = this.stream as Socket);
      socket.cork();
      setImmediate(() => {
        this.corked = undefined;
        socket.uncork();
      });
    }
    return super.sendCommand(command, stream);
  }
}

/**
 * The only place that chooses the topology: REDIS_CLUSTER_NODES set means a Cluster seeded from those
 * nodes, otherwise one server at REDIS_URL. `options` apply to every connection (each node's, on a
 * cluster); lazyConnect, the offline queue, auto-pipelining and the retry strategy to the cluster as a whole.
 * On one server, `enableAutoPipelining` is met by corking each turn's writes (TurnBatchedRedis).
 * Multi-key commands and scripts must keep their keys in one hash slot (`{activityId}`) to run on a cluster.
 */
export function createRedisClient(
  config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>,
  options: RedisOptions = {},
): RedisClient {
  if (config.REDIS_CLUSTER_NODES.length === 0) {
    if (!options.enableAutoPipelining) return new Redis(config.REDIS_URL, options);
    const corked = { ...options, enableAutoPipelining: false } as RedisOptions & { replyMapping?: 'legacy' };
    return new TurnBatchedRedis(config.REDIS_URL, corked);
  }
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
