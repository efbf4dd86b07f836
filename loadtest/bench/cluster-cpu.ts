// What each Redis master spends while one hot activity sells on the cluster profile — through one gateway,
// through two —, while three activities whose slots sit on three different masters sell, and while one hot
// activity with 3 stock shards sells (decision 12: its shards' tags sit on three masters). Needs
// `npm run stack:up -- --cluster`; then
//   source scripts/infra/cluster-env.sh && node dist/loadtest/bench/cluster-cpu.js
// Bounded: 10 s idle (the baseline), then 4 runs of N purchases (first argument, default 3,000), to
// 127.0.0.1 only.
import 'reflect-metadata';
import type { Cluster } from 'ioredis';
import { loadConfig } from '@app/config';
import { createRedisClient } from '@app/redis';
import { stockKeys } from '@app/stock';
import { SeckillApi } from '../../test/support/seckill-api';

const config = loadConfig();
const GATEWAYS = ['http://127.0.0.1:3100', 'http://127.0.0.1:3101'];
const PURCHASES = Number(process.argv[2] ?? 3_000);
const CONCURRENCY = 32;
const IDLE_MS = 10_000;

/** CPU (user + sys) and EVALSHA/EVAL totals of one master, from its INFO cpu and commandstats. */
function figures(info: string) {
  const field = (re: RegExp) => [...info.matchAll(re)].reduce((sum, m) => sum + Number(m[1]), 0);
  return {
    cpuMs: (field(/used_cpu_sys:([\d.]+)/g) + field(/used_cpu_user:([\d.]+)/g)) * 1000,
    scriptCalls: field(/cmdstat_eval(?:sha)?:calls=(\d+)/g),
    scriptUsec: field(/cmdstat_eval(?:sha)?:calls=\d+,usec=(\d+)/g),
  };
}
type MasterFigures = ReturnType<typeof figures>;

/** The figures of every master, by port. */
async function masters(redis: Cluster): Promise<Map<number, MasterFigures>> {
  const out = new Map<number, MasterFigures>();
  for (const node of redis.nodes('master'))
    out.set(node.options.port!, figures((await node.info('cpu')) + (await node.info('commandstats'))));
  return out;
}

const api = new SeckillApi(config, { gateway: GATEWAYS[0] });
const createActivity = (stock: number, stockShards = 1) =>
  api.createActivity({ name: 'cluster bench', stock, ...(stockShards > 1 ? { stockShards } : {}) });

/** The master port that holds an activity's slot, as the client's slot table says. */
async function masterOf(redis: Cluster, id: number): Promise<number> {
  const slot = Number(await redis.cluster('KEYSLOT', stockKeys(id).stock));
  return Number(redis.slots[slot][0].split(':')[1]);
}

async function sell(gateways: string[], activities: number[], run: string) {
  let next = 0;
  let accepted = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < PURCHASES; i = next++) {
        const res = await api.purchase(
          activities[i % activities.length],
          `${run}-${i}`,
          gateways[i % gateways.length],
        );
        if (res.status === 202) accepted++;
      }
    }),
  );
  return { accepted, perSecond: Math.round(PURCHASES / ((Date.now() - started) / 1000)) };
}

async function main(): Promise<void> {
  const redis = createRedisClient(config) as Cluster;
  await new Promise((resolve) => redis.once('ready', resolve));
  // Activities are created until three of them sit on three different masters.
  const spread = new Map<number, number>();
  while (spread.size < 3) {
    const id = await createActivity(PURCHASES);
    const port = await masterOf(redis, id);
    if (!spread.has(port)) spread.set(port, id);
  }
  const runs: [string, string[], number[]][] = [
    ['one hot activity, one gateway', GATEWAYS.slice(0, 1), [await createActivity(PURCHASES)]],
    ['one hot activity, two gateways', GATEWAYS, [await createActivity(PURCHASES)]],
    ['three activities on three masters, two gateways', GATEWAYS, [...spread.values()]],
    ['one hot activity with 3 stock shards, two gateways', GATEWAYS, [await createActivity(PURCHASES, 3)]],
  ];
  // What each master spends with nothing sold (cluster bus, replication, the services' polling): the
  // figure a run's CPU is compared with, per second of the run.
  const idleStart = await masters(redis);
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const idleEnd = await masters(redis);
  const idlePerMs = new Map(
    [...idleEnd].map(([port, a]) => [port, (a.cpuMs - idleStart.get(port)!.cpuMs) / IDLE_MS]),
  );
  const tag = Date.now().toString(36);
  for (const [n, [name, gateways, activities]] of runs.entries()) {
    const before = await masters(redis);
    const started = Date.now();
    const { accepted, perSecond } = await sell(gateways, activities, `cb-${tag}-${n}`);
    const after = await masters(redis);
    const took = Date.now() - started;
    const perMaster = [...after].map(([port, a]) => {
      const b = before.get(port)!;
      const calls = a.scriptCalls - b.scriptCalls;
      const cpu = a.cpuMs - b.cpuMs;
      const aboveIdle = Math.round(cpu - idlePerMs.get(port)! * took);
      return `:${port} ${Math.round(cpu)} ms CPU (${aboveIdle} above idle), ${calls} scripts (${Math.round((a.scriptUsec - b.scriptUsec) / 1000)} ms in them)`;
    });
    console.log(
      `${name}: ${accepted}/${PURCHASES} accepted, ${perSecond} purchases/s; ${perMaster.join('; ')}`,
    );
  }
  redis.disconnect();
  api.close();
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
