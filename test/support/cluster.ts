import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';

// The checkout, whether this runs from the sources (jest) or from dist/ (the cluster-failover scenario).
const root = [join(__dirname, '../..'), join(__dirname, '../../..')].find((dir) =>
  existsSync(join(dir, 'package.json')),
)!;
const REDIS_PORTS = [27001, 27002, 27003, 27004, 27005, 27006];

/** The nodes of INFRA_PROFILE=cluster (scripts/infra/cluster.sh), broken here by kill -9 of their pid. */
function clusterPid(node: string): number {
  if (process.env.INFRA_PROFILE !== 'cluster')
    throw new Error(
      'cluster failovers run only on INFRA_PROFILE=cluster (npm run test:cluster, the scenario)',
    );
  return Number(readFileSync(join(root, `.local/cluster/run/${node}.pid`), 'utf8').split('\n')[0]);
}

export const killRedisNode = (port: number) => process.kill(clusterPid(`redis-${port}`), 'SIGKILL');
export const killKafkaBroker = (id: 1 | 2 | 3) => process.kill(clusterPid(`kafka-${id}`), 'SIGKILL');

/** Starts again whatever node of the profile is not running (a killed master comes back as a replica). */
export function restoreCluster(): void {
  const result = spawnSync('bash', [join(root, 'scripts/infra.sh'), 'up'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`infra up failed: ${result.stderr}`);
}

/** The port of the master that serves `key`'s slot now, as the first node that answers says. */
export async function masterPortOf(key: string): Promise<number> {
  for (const port of REDIS_PORTS) {
    const node = new Redis(port, { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    node.on('error', () => undefined);
    try {
      await node.connect();
      const slot = Number(await node.cluster('KEYSLOT', key));
      const slots = await node.cluster('SLOTS');
      const range = slots.find(([from, to]) => slot >= from && slot <= to);
      if (range) return range[2][1];
    } catch {
      // a dead node: ask the next one
    } finally {
      node.disconnect();
    }
  }
  throw new Error(`no Redis node answers for the slot of ${key}`);
}
