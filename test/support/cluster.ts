import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from 'ioredis';
import type { RedisClient } from '@app/redis';

const root = join(__dirname, '../..');

/** The nodes of INFRA_PROFILE=cluster (scripts/infra/cluster.sh), broken here by kill -9 of their pid. */
function clusterPid(node: string): number {
  if (process.env.INFRA_PROFILE !== 'cluster')
    throw new Error('cluster tests run only through npm run test:cluster');
  return Number(readFileSync(join(root, `.local/cluster/run/${node}.pid`), 'utf8').split('\n')[0]);
}

export const killRedisNode = (port: number) => process.kill(clusterPid(`redis-${port}`), 'SIGKILL');
export const killKafkaBroker = (id: 1 | 2 | 3) => process.kill(clusterPid(`kafka-${id}`), 'SIGKILL');

/** Starts again whatever node of the profile is not running (a killed master comes back as a replica). */
export function restoreCluster(): void {
  const result = spawnSync('bash', [join(root, 'scripts/infra.sh'), 'up'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`infra up failed: ${result.stderr}`);
}

/** The port of the master that serves `key`'s slot now, as the cluster itself says. */
export async function masterPortOf(redis: RedisClient, key: string): Promise<number> {
  const cluster = redis as Cluster;
  for (const node of cluster.nodes('master')) {
    const slots = (await node.cluster('SLOTS').catch(() => null)) as
      [number, number, [string, number]][] | null;
    if (!slots) continue;
    const slot = Number(await node.cluster('KEYSLOT', key));
    const range = slots.find(([from, to]) => slot >= from && slot <= to);
    if (range) return range[2][1];
  }
  throw new Error(`no master answers for the slot of ${key}`);
}
