import { spawnSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import Redis from 'ioredis';
import { Client } from 'pg';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  loadGenerator: string;
  redis: string;
  postgres: string;
  /** 1-minute load average before the bench started: how quiet the machine was */
  loadAverageBefore: number;
}

/** What the figures were measured on; ratios travel between machines, absolute numbers do not. */
export async function describeMachine(redisUrl: string, databaseUrl: string): Promise<Machine> {
  const redis = new Redis(redisUrl);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const info = await redis.info('server');
    const { rows } = await db.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      kernel: release(),
      node: process.version,
      // `wrk -v` prints its version line and exits 1
      loadGenerator: (spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout ?? '')
        .split('\n')[0]
        .split(' [')[0],
      redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
      postgres: rows[0].v,
      loadAverageBefore: Number(loadavg()[0].toFixed(2)),
    };
  } finally {
    redis.disconnect();
    await db.end();
  }
}
