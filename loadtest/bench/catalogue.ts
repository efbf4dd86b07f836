import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { createDataSource } from '@app/database';
import { closeCatalogue, openCatalogue } from '../../test/support/catalogue';
import { SeckillApi } from '../../test/support/seckill-api';
import { measureDrain } from './drain';
import { reconcile } from './invariants';
import { RESULTS, ROOT } from './paths';
import { formatBenchmarksDoc } from './publish';
import { updateDocs } from './report';
import { cpuMs } from './proc-stat';
import { Stack, StackSpec, startStack } from './services';
import { buyerTokens, runWrk } from './wrk';

export interface CatalogueShape {
  /** open activities to measure at, in increasing order */
  sizes: number[];
  /** seconds each idle window lasts */
  idleS: number;
  /** the sale of one activity measured at each size */
  sale: { buyers: number; stock: number; connections: number };
}

export interface CatalogueRow {
  /** the catalogue's size: open activities this run made */
  opened: number;
  /** open activities in PostgreSQL (sale or pay window not over) while measured: these, and any left before */
  openActivities: number;
  /** true: nobody buys; false: during a sale of one activity (from its first request to its last answer) */
  idle: boolean;
  seconds: number;
  /** INFO commandstats, every command Redis ran (the calls inside scripts included) */
  redisCommandsPerSecond: number;
  /** pg_stat_database: transactions committed or rolled back in the database (a lone query is one) */
  pgQueriesPerSecond: number;
  /** per service: CPU ms per second (/proc/<pid>/stat), RSS MiB at the end */
  services: Record<string, { cpuMsPerSecond: number; rssMiB: number }>;
  redisUsedMemoryMiB: number;
  /** the commands Redis ran most, per second */
  redisTopCommands: Record<string, number>;
  /** the sale's reconcile (idle rows: null) */
  oversold: number | null;
}

interface Counters {
  at: number;
  redis: number;
  commands: Map<string, number>;
  pg: number;
  cpu: Record<string, number>;
}

const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const SHAPE: CatalogueShape = {
  sizes: env('BENCH_CATALOGUE_SIZES', '10,1000,10000').split(',').map(Number).filter(Boolean),
  idleS: Number(env('BENCH_CATALOGUE_IDLE_S', '10')),
  sale: { buyers: 20_000, stock: 2_000, connections: 200 },
};

/**
 * `npm run bench -- --only catalogue`: the curve on a stack of its own; `catalogue` into latest.json and
 * bench-results/catalogue.md (with `--update-docs`, its section of docs/benchmarks.md). Non-zero when the
 * sales oversold.
 */
export async function catalogueOnly(
  config: AppConfig,
  ports: StackSpec['ports'],
  docs: boolean,
): Promise<number> {
  const stack = await startStack({ label: 'catalogue', ports, databaseUrl: config.DATABASE_URL });
  let rows: CatalogueRow[];
  try {
    rows = await runCatalogue(config, stack, SHAPE);
  } finally {
    await stack.stop();
  }
  mergeIntoLatest(rows);
  const md = catalogueMarkdown(rows);
  writeFileSync(join(RESULTS, 'catalogue.md'), md);
  console.log(`\n${md}\nbench: wrote catalogue into bench-results/latest.json, and catalogue.md`);
  if (docs) {
    updateDocs(join(ROOT, 'docs/benchmarks.md'), md, 'bench-catalogue');
    formatBenchmarksDoc();
    console.log('bench: updated the catalogue section of docs/benchmarks.md');
  }
  return rows.every((r) => !r.oversold) ? 0 : 1;
}

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Background work against the size of the catalogue: the stack idle with 10, 1,000 and 10,000 open
 * activities (made in bulk: one INSERT and the admin API's own warm-up), and during a sale of one more.
 * The catalogue is taken away at the end, so that it burdens no later run.
 */
export async function runCatalogue(config: AppConfig, stack: Stack, shape: CatalogueShape) {
  const redis = new Redis(config.REDIS_URL);
  const db = await createDataSource(config).initialize();
  const api = new SeckillApi(config, { gateway: stack.gateway });
  const run = `bench-catalogue-${Date.now()}`;
  const catalogue: number[] = [];
  const rows: CatalogueRow[] = [];
  const read = async (): Promise<Counters> => {
    const [info, [{ n }]] = await Promise.all([
      redis.info('commandstats'),
      db.query(
        `SELECT sum(xact_commit + xact_rollback)::bigint AS n FROM pg_stat_database WHERE datname = current_database()`,
      ) as Promise<{ n: string }[]>,
    ]);
    const commands = new Map(
      [...info.matchAll(/cmdstat_(\S+?):calls=(\d+)/g)].map((m) => [m[1], Number(m[2])]),
    );
    const calls = [...commands.values()].reduce((sum, c) => sum + c, 0);
    const cpu = Object.fromEntries(stack.processes.map((p) => [p.name, cpuMs(p.pid) ?? 0]));
    return { at: performance.now(), redis: calls, commands, pg: Number(n), cpu };
  };
  const row = async (a: Counters, b: Counters, idle: boolean, oversold: number | null) => {
    const opened = catalogue.length;
    const s = (b.at - a.at) / 1000;
    const [[{ open }], memory] = await Promise.all([
      db.query(
        'SELECT count(*)::int AS open FROM activities WHERE ends_at + make_interval(secs => pay_timeout_seconds) > now()',
      ) as Promise<{ open: number }[]>,
      redis.info('memory'),
    ]);
    const services = Object.fromEntries(
      stack.processes.map((p) => [
        p.name,
        { cpuMsPerSecond: Math.round((b.cpu[p.name] - a.cpu[p.name]) / s), rssMiB: rssMiB(p.pid) },
      ]),
    );
    // Less the two reads of this measurement (INFO, and the transaction of its own query).
    rows.push({
      opened,
      openActivities: open,
      idle,
      seconds: Math.round(s * 10) / 10,
      redisCommandsPerSecond: Math.round((b.redis - a.redis - 1) / s),
      pgQueriesPerSecond: Math.round((b.pg - a.pg - 1) / s),
      services,
      redisUsedMemoryMiB: mib(Number(/used_memory:(\d+)/.exec(memory)?.[1] ?? 0)),
      redisTopCommands: Object.fromEntries(
        [...b.commands]
          .map(([c, calls]) => [c, Math.round((calls - (a.commands.get(c) ?? 0)) / s)] as const)
          .sort((x, y) => y[1] - x[1])
          .slice(0, 6),
      ),
      oversold,
    });
    console.log(`bench: catalogue: ${JSON.stringify(rows[rows.length - 1])}`);
  };
  try {
    for (const size of shape.sizes) {
      const more = size - catalogue.length;
      const t0 = performance.now();
      if (more > 0) catalogue.push(...(await openCatalogue(db, redis, { count: more, prefix: run })));
      console.log(
        `bench: catalogue: ${more} more open activities in ${Math.round(performance.now() - t0)} ms`,
      );
      await pause(3_000); // every gateway hears of them, and the recovery of a start is over
      const idleFrom = await read();
      await pause(shape.idleS * 1000);
      await row(idleFrom, await read(), true, null);
      await saleOfOne(size);
    }
  } finally {
    await closeCatalogue(db, redis, catalogue);
    api.close();
    redis.disconnect();
    await db.destroy();
  }
  return rows;

  async function saleOfOne(size: number): Promise<void> {
    const { buyers, stock, connections } = shape.sale;
    const activityId = await api.createActivity({ name: `${run} sale at ${size}`, stock });
    const tokens = buyerTokens(`${run}-${size}`, buyers, config.JWT_SECRET);
    const from = await read();
    const digest = await runWrk({
      name: `bench-catalogue-${size}`,
      baseUrl: stack.gateway,
      path: `/api/seckill/${activityId}`,
      tokens,
      connections,
    });
    const to = await read();
    const last = digest.successes.lastMs ?? digest.t0;
    await measureDrain(config.DATABASE_URL, activityId, digest.successes.count, digest.t0, last);
    await row(from, to, false, reconcile(activityId).oversold);
  }
}

function rssMiB(pid: number): number {
  try {
    const kib = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return mib(Number(kib ?? 0) * 1024);
  } catch {
    return 0;
  }
}

/** The rows as markdown: one per size and state. */
export function catalogueMarkdown(rows: CatalogueRow[]): string {
  const names = Object.keys(rows[0]?.services ?? {});
  const n = (x: number) => x.toLocaleString('en-US');
  const idle = rows.filter((r) => r.idle);
  const [least, most] = [idle[0], idle[idle.length - 1]];
  const times = (a: number, b: number) => (b > 0 ? `${Math.round((a / b) * 100) / 100}×` : '—');
  return [
    `Idle with a catalogue of ${n(most.opened)}: ${times(most.redisCommandsPerSecond, least.redisCommandsPerSecond)} the Redis commands/s and ` +
      `${times(most.pgQueriesPerSecond, least.pgQueriesPerSecond)} the PostgreSQL transactions/s of the same stack with ${n(least.opened)} ` +
      `(open: the catalogue, and what was open in the database before: ${n(least.openActivities - least.opened)} here).`,
    '',
    `| catalogue | open | state | Redis commands/s | PostgreSQL transactions/s | ${names.map((s) => `${s} CPU ms/s`).join(' | ')} | ${names.map((s) => `${s} RSS MiB`).join(' | ')} | Redis used_memory MiB |`,
    `| --: | --: | --- | --: | --: | ${names.map(() => '--:').join(' | ')} | ${names.map(() => '--:').join(' | ')} | --: |`,
    ...rows.map(
      (r) =>
        `| ${n(r.opened)} | ${n(r.openActivities)} | ${r.idle ? 'idle' : 'sale of one'} | ${n(r.redisCommandsPerSecond)} | ${n(r.pgQueriesPerSecond)} | ${names.map((s) => r.services[s].cpuMsPerSecond).join(' | ')} | ${names.map((s) => r.services[s].rssMiB).join(' | ')} | ${r.redisUsedMemoryMiB} |`,
    ),
    '',
  ].join('\n');
}

/** `catalogue` into bench-results/latest.json, beside what a full run wrote there (or alone). */
export function mergeIntoLatest(rows: CatalogueRow[]): void {
  const file = join(RESULTS, 'latest.json');
  const latest = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, `${JSON.stringify({ ...latest, catalogue: rows }, null, 2)}\n`);
}
