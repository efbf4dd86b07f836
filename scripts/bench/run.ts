// `npm run bench`: the purchase path beside its baselines, in one run on one machine (docs/benchmarks.md).
//   the same k6 spike against (a) a bare node:http 200, (b) the purchase path, (c) the naive design;
//   then (b) steady at 80 % of its peak; then micro-benchmarks (Kafka produce, PostgreSQL insert, Redis).
// Writes bench-results/latest.{json,md} and latest-peak-shaving.svg; `--update-docs` also refreshes the
// example in docs/benchmarks.md. Exits non-zero only when an invariant broke (oversell, reconcile): the
// targets are reported, never asserted. Run through scripts/loadtest.sh, which brings the stack up and k6.
import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@app/config';
import { peakShavingSvg } from './chart';
import { measureDrain } from './drain';
import { naiveOversold, reconcile } from './invariants';
import { RESULTS, ROOT, runK6 } from './k6';
import { benchKafkaProduce } from './kafka-produce';
import { describeMachine } from './machine';
import { benchPgInsert } from './pg-insert';
import { benchReserve } from './redis-reserve';
import { markdown, updateDocs } from './report';
import { assemble } from './results';
import { BaselineServer } from './servers';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SHAPE = {
  BUYERS: env('BENCH_BUYERS', 10_000),
  STOCK: env('BENCH_STOCK', 1_000),
  VUS: env('BENCH_VUS', 200),
};
const STEADY_S = env('BENCH_STEADY_S', 15);

/** A baseline server lives only for its own measurement. */
async function withServer<T>(
  script: string,
  port: number,
  measure: (s: BaselineServer) => Promise<T>,
): Promise<T> {
  const server = await BaselineServer.start(script, port);
  try {
    return await measure(server);
  } finally {
    await server.stop();
  }
}

async function main(): Promise<number> {
  const config = loadConfig();
  const k6 = process.env.K6 ?? join(ROOT, '.local/tools/k6');
  const machine = await describeMachine(k6, config.REDIS_URL, config.DATABASE_URL);
  const secrets = { JWT_SECRET: config.JWT_SECRET, ADMIN_TOKEN: config.ADMIN_TOKEN };
  const spike = { ...SHAPE, ...secrets, MAX_DURATION: '300s' };

  const bare = await withServer('bare-server.js', env('BENCH_BARE_PORT', 3090), (s) =>
    runK6('spike.js', 'bench-bare', { ...spike, TARGET: 'bare', BASE_URL: s.url }),
  );
  let naiveSold = { initialStock: 0, sold: 0, stock: 0 };
  const naive = await withServer('naive-server.js', env('BENCH_NAIVE_PORT', 3091), async (s) => {
    const digest = await runK6('spike.js', 'bench-naive', { ...spike, TARGET: 'naive', BASE_URL: s.url });
    naiveSold = await s.get(`/api/activities/${digest.setup.activityId}`); // before its tables are dropped
    return digest;
  });

  const gateway = `http://127.0.0.1:${config.GATEWAY_PORT}`;
  const purchase = await runK6('spike.js', 'bench-purchase', {
    ...spike,
    TARGET: 'gateway',
    GATEWAY_URL: gateway,
  });
  const { activityId, t0 } = purchase.setup;
  const lastAdmission = t0 + (purchase.admissions.at(-1)?.[0] ?? 0);
  const drain = await measureDrain(
    config.DATABASE_URL,
    activityId,
    purchase.successes.count,
    t0,
    lastAdmission,
  );
  const purchaseVerdict = reconcile(activityId);

  // Steady buyers all make full purchases (reservation + Kafka), so "peak" is the spike's admissions/s.
  const steadyRate = env(
    'BENCH_STEADY_RATE',
    Math.max(10, Math.round(0.8 * (purchase.successes.perSecond ?? 0))),
  );
  const steady = await runK6('soak.js', 'bench-steady', {
    ...secrets,
    GATEWAY_URL: gateway,
    RATE: steadyRate,
    DURATION_S: STEADY_S,
    PAY_TIMEOUT: 3600, // no cancellations during the measurement
  });
  const steadyVerdict = reconcile(steady.setup.activityId);

  console.log('bench: micro-benchmarks (Kafka produce, PostgreSQL insert, reserve.lua)');
  const micro = {
    kafkaProduce: await benchKafkaProduce(config.KAFKA_BROKERS, {
      partitions: config.KAFKA_TOPIC_PARTITIONS,
    }),
    pgInsert: await benchPgInsert(config.DATABASE_URL),
    reserve: await benchReserve(config.REDIS_URL, [
      config.RATE_LIMIT_USER_PER_SECOND,
      config.RATE_LIMIT_USER_BURST,
      config.ADMISSION_RATE_PER_SECOND,
      config.ADMISSION_BURST,
    ]),
  };

  const results = assemble({
    machine,
    shape: { buyers: SHAPE.BUYERS, stock: SHAPE.STOCK, vus: SHAPE.VUS, steadyRate, steadyS: STEADY_S },
    bare,
    naive,
    purchase,
    steady,
    naiveOversold: naiveOversold(naiveSold),
    purchaseVerdict,
    steadyVerdict,
    drain,
    micro,
  });
  const title = `Peak shaving: ${purchase.successes.count} admissions vs orders written`;
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(
    join(RESULTS, 'latest-peak-shaving.svg'),
    peakShavingSvg(purchase.admissions, drain.curve, title),
  );
  const md = markdown(results, 'latest-peak-shaving.svg');
  writeFileSync(join(RESULTS, 'latest.md'), md);
  console.log(`\n${md}\nbench: wrote bench-results/latest.json, latest.md, latest-peak-shaving.svg`);
  if (process.argv.includes('--update-docs')) {
    copyFileSync(join(RESULTS, 'latest-peak-shaving.svg'), join(ROOT, 'docs/benchmarks-peak-shaving.svg'));
    updateDocs(join(ROOT, 'docs/benchmarks.md'), markdown(results, 'benchmarks-peak-shaving.svg'));
    // Align the generated tables as the rest of the repository is formatted.
    spawnSync(
      process.execPath,
      [require.resolve('prettier/bin/prettier.cjs'), '--write', 'docs/benchmarks.md'],
      {
        cwd: ROOT,
      },
    );
    console.log('bench: updated docs/benchmarks.md and docs/benchmarks-peak-shaving.svg');
  }
  return results.invariantsHold ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`bench: ${err instanceof Error ? err.stack : err}`);
    process.exitCode = 2;
  },
);
