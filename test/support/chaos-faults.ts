import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisClient as Redis } from '@app/redis';
import { Toxiproxy } from './toxiproxy';
import { eventually } from './eventually';
import { Dependency, aofDir, infraAsync } from './faults';

/** The proxies scripts/test-chaos.sh puts in front of Redis (for the gateway) and Kafka (for everyone). */
export const PROXIES = { redis: 'redis', kafka: 'kafka' } as const;

export function toxiproxy(): Toxiproxy {
  const url = process.env.TOXIPROXY_URL;
  if (!url) throw new Error('chaos tests run only through npm run test:chaos (TOXIPROXY_URL is not set)');
  return new Toxiproxy(url);
}

/** What the gateway uses to reach Redis in the chaos profile: the proxy, so its replies can be cut. */
export function gatewayRedisUrl(): string {
  const url = process.env.CHAOS_REDIS_PROXY_URL;
  if (!url)
    throw new Error('chaos tests run only through npm run test:chaos (CHAOS_REDIS_PROXY_URL is not set)');
  return url;
}

/** Signals every process still there: a backend listed a moment ago may have ended with its connection. */
const signal = (pids: number[], sig: NodeJS.Signals) => {
  for (const pid of pids)
    try {
      process.kill(pid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function pidsOf(dependency: Dependency): Promise<number[]> {
  return (await infraAsync('pids', dependency)).trim().split('\n').map(Number);
}

/** A dependency's server processes, found before the spike so that the fault lands the instant it is due. */
export interface Server {
  /** kill -9 of every process: a crash, nothing flushed, no goodbye to clients */
  crash(): Promise<void>;
  /** SIGSTOP of every process for `ms`, then SIGCONT: sockets open and silent (a frozen VM, a long pause) */
  freeze(ms: number): Promise<void>;
}

export async function server(dependency: Dependency): Promise<Server> {
  const pids = await pidsOf(dependency);
  return {
    async crash() {
      signal(pids, 'SIGKILL');
      await eventually(() => pids.every((pid) => !alive(pid)), { timeoutMs: 10_000 });
    },
    async freeze(ms) {
      signal(pids, 'SIGSTOP');
      try {
        await new Promise((resolve) => setTimeout(resolve, ms));
      } finally {
        signal(pids, 'SIGCONT');
      }
    },
  };
}

/** The server is started again on the same data (what a supervisor does after a crash). */
export async function restart(dependency: Dependency): Promise<void> {
  await infraAsync('start', dependency);
}

/** A copy of Redis's append-only files as they are now, to restart from later (an older AOF). */
export async function copyAof(redis: Redis): Promise<string> {
  const aof = await aofDir(redis);
  const copy = mkdtempSync(join(tmpdir(), 'chaos-aof-'));
  cpSync(aof, copy, { recursive: true });
  return copy;
}

/** Redis crashes and comes back from the older copy of its AOF: every write since the copy is gone. */
export async function restartFromAof(redis: Redis, redisServer: Server, copy: string): Promise<void> {
  const aof = await aofDir(redis);
  await redisServer.crash();
  rmSync(aof, { recursive: true, force: true });
  cpSync(copy, aof, { recursive: true });
  rmSync(copy, { recursive: true, force: true });
  await restart('redis');
}

/** Every dependency up (again) and every proxy clean, whatever the previous fault left. */
export async function healInfrastructure(): Promise<void> {
  for (const dependency of ['redis', 'postgres', 'kafka'] as const) {
    signal(await pidsOf(dependency).catch(() => []), 'SIGCONT');
  }
  await toxiproxy().reset();
  // `up` proves Kafka with a round trip: only worth its seconds when something is down.
  await infraAsync('status').catch(() => infraAsync('up'));
}

/**
 * The environment of a process whose wall clock is off by `offset` (libfaketime's syntax, e.g. "-30s"), as a
 * host's whose time synchronisation failed; its timers (the monotonic clock) run true.
 */
export function skewedClock(offset: string): Record<string, string> {
  const lib = execFileSync('bash', [join(__dirname, '../../scripts/infra.sh'), 'faketime'], {
    encoding: 'utf8',
  });
  return { LD_PRELOAD: lib.trim(), FAKETIME: offset, DONT_FAKE_MONOTONIC: '1' };
}
