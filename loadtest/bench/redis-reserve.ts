import { spawnSync } from 'node:child_process';
import Redis from 'ioredis';
import { STOCK_SCRIPTS } from '@app/stock';
import { Throughput, round, timed } from './timing';

export interface ReserveBench {
  node: Throughput & { concurrency: number };
  redisBenchmark: (Throughput & { connections: number }) | { skipped: string };
  /** Node (ioredis) ÷ redis-benchmark: how much of Redis' own ceiling the gateway's client reaches */
  ratio: number | null;
}

/** Per-user limit, admission bucket and clock skew, as the gateway passes them (ARGV[7..11] of reserve.lua). */
export type Limits = [
  userPerSecond: number,
  userBurst: number,
  admissionPerSecond: number,
  admissionBurst: number,
  clockSkewMaxMs: number,
];

/**
 * The purchase's one Redis round trip: the gateway's reserve.lua by EVALSHA, with the keys and arguments
 * of libs/stock/src/reservations.ts (ReservationScript), from Node (ioredis, as the gateway calls it) and from
 * redis-benchmark (C: the ceiling of Redis itself). Throwaway keys, stock to spare and a new buyer per call,
 * so every call takes the full path (limits, checks, DECRBY, writes). The keys are deleted afterwards.
 */
export async function benchReserve(
  redisUrl: string,
  limits: Limits,
  { calls = 50_000, concurrency = 50 } = {},
): Promise<ReserveBench> {
  const script = STOCK_SCRIPTS.reserve;
  const prefix = `bench:{reserve-${process.pid}}`;
  const names = ['meta', 'stock', 'reservations', 'buyers', 'unconfirmed', 'idempotency', 'admission'];
  const keys = names.map((k) => `${prefix}:${k}`);
  const rateKey = (user: string) => `${prefix}:rate:user:${user}`;
  const promisesKey = `${prefix}:promises`;
  const now = Date.now();
  const stock = 1_000_000_000;
  const redis = new Redis(redisUrl);
  const unlinkAll = async () => {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (found.length) await redis.unlink(...found);
      cursor = next;
    } while (cursor !== '0');
  };
  const reset = async () => {
    await unlinkAll();
    await redis.hset(keys[0], { startsAt: 0, endsAt: now + 86_400_000, perUserLimit: 1, stock });
    await redis.set(keys[1], stock);
  };
  try {
    await redis.script('LOAD', script.source);
    await reset();
    let next = 0;
    let refused = 0;
    const worker = async () => {
      while (next < calls) {
        const i = next++;
        const user = `u-${i}`;
        const args = [`o-${i}`, user, 1, now, '', 0, ...limits];
        const [code] = (await redis.evalsha(script.sha, 9, ...keys, rateKey(user), promisesKey, ...args)) as [
          string,
        ];
        if (code !== 'OK') refused++;
      }
    };
    const node = await timed(calls, () => Promise.all(Array.from({ length: concurrency }, worker)));
    if (refused > 0) throw new Error(`${refused} reservations refused: the bench keys are not set up right`);

    await reset();
    const { hostname, port } = new URL(redisUrl);
    const args = ['-h', hostname, '-p', port || '6379', '-c', String(concurrency), '-n', String(calls)];
    // __rand_int__ gives every call its own order id and buyer, as the Node run does.
    args.push(
      '-r',
      '1000000000',
      '--csv',
      'EVALSHA',
      script.sha,
      '9',
      ...keys,
      rateKey('__rand_int__'),
      promisesKey,
    );
    args.push('o-__rand_int__', 'u-__rand_int__', '1', String(now), '', '0', ...limits.map(String));
    const run = spawnSync('redis-benchmark', args, { encoding: 'utf8' });
    if (run.error || run.status !== 0) {
      const skipped = `redis-benchmark unavailable: ${run.error?.message ?? run.stderr.trim()}`;
      return { node: { ...node, concurrency }, redisBenchmark: { skipped }, ratio: null };
    }
    // CSV: a header line, then "EVALSHA …","<rps>",…
    const rps = Number(run.stdout.trim().split('\n').pop()!.split('","')[1]);
    const redisBenchmark = { count: calls, seconds: round(calls / rps, 3), perSecond: round(rps, 0) };
    return {
      node: { ...node, concurrency },
      redisBenchmark: { ...redisBenchmark, connections: concurrency },
      ratio: round(node.perSecond / rps, 2),
    };
  } finally {
    await unlinkAll();
    redis.disconnect();
  }
}
