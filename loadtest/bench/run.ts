// `npm run bench`: the purchase path beside its baselines, in one run on one machine (docs/benchmarks.md).
// Writes bench-results/latest.{json,md} and latest-peak-shaving.svg; `--update-docs` also refreshes the
// example in docs/benchmarks.md; `--cpu-prof` runs the gateway under node --cpu-prof and prints its top
// self-time functions; `--only expiry-wave` runs the wave of expiries alone (bench-results/expiry-wave.json);
// `--only payments` the payment saga alone (bench-results/payments.{json,md}; with `--update-docs` its
// section of docs/benchmarks.md); `--only waiting-room` the waiting room's fairness and costs
// (bench-results/waiting-room.json); `--only catalogue` the background work against the catalogue's size
// (`catalogue` in bench-results/latest.json), which the whole run measures last too; `--only cpu` the gateway's
// CPU per refusal and per admission beside the bare server's, BENCH_CPU_RUNS times each (bench-results/cpu.json;
// with `--cpu-prof`, the profile); `--only steady` the steady row at 50 % of the admissions' peak, printed.
// Exits non-zero only when an invariant broke (oversell, reconcile): the targets are reported, never asserted.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig, loadConfig } from '@app/config';
import { catalogueOnly } from './catalogue';
import { CpuShape, cpuOnly, measureCpu } from './cpu';
import { summariseLatestProfile } from './cpu-profile';
import { runExpiryWave } from './expiry-wave';
import { runWaitingRoom } from './waiting-room';
import { measureBare } from './bare';
import { describeMachine } from './machine';
import { micro } from './micro';
import { runNaive } from './naive';
import { startNetwork } from './network';
import { RESULTS, ROOT } from './paths';
import { PaymentsShape, paymentsMarkdown, runPayments } from './payments';
import { formatBenchmarksDoc, publish } from './publish';
import { updateDocs } from './report';
import { Measurements, assemble } from './results';
import { SaleRun, SaleShape, runSale } from './sale';
import { expireEarlierRuns, infraPids, pathProcesses, startStack } from './services';
import { ProcessGroups, threadsCpuMs } from './proc-stat';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SHAPE = {
  buyers: env('BENCH_BUYERS', 10_000),
  stock: env('BENCH_STOCK', 1_000),
  connections: env('BENCH_CONNECTIONS', 200),
  steadyS: env('BENCH_STEADY_S', 15),
  netLatencyMs: env('BENCH_NET_LATENCY_MS', 1),
};
/** connections of a paced sale: enough that sends keep their schedule while answers are slow */
const PACED_CONNECTIONS = Math.max(SHAPE.connections, 400);
const SCALE = (process.env.BENCH_SCALE ?? '10000,50000,200000').split(',').map(Number).filter(Boolean);
// The warm-up's paced rounds (warmUp): each BENCH_WARM_ROUND_S seconds at BENCH_WARM_RATE buyers a second,
// until Kafka's JIT compilers use at most BENCH_WARM_QUIET_MS ms of CPU a second, or BENCH_WARM_ROUNDS rounds.
const WARM = {
  rate: env('BENCH_WARM_RATE', 3_000),
  roundS: env('BENCH_WARM_ROUND_S', 5),
  quietCompilerMsPerS: env('BENCH_WARM_QUIET_MS', 40),
  maxRounds: env('BENCH_WARM_ROUNDS', 8),
};
/** a HotSpot JIT compiler thread's name (/proc comm: "C2 CompilerThre", "C1 CompilerThre") */
const COMPILER_THREAD = /^C[12] CompilerThre/;
const ADMISSION_BURSTS = env('BENCH_ADMISSION_BURSTS', 3);
const WAVE = {
  orders: env('BENCH_WAVE_ORDERS', 50_000),
  payTimeoutSeconds: env('BENCH_WAVE_PAY_TIMEOUT_S', 20),
  waitS: env('BENCH_WAVE_WAIT_S', 120),
};
const PAYMENTS: PaymentsShape = {
  paid: env('BENCH_PAY_ORDERS', 2_000),
  late: env('BENCH_PAY_LATE', 1_000),
  latePayTimeoutSeconds: env('BENCH_PAY_LATE_TIMEOUT_S', 10),
  duplicateCallbacks: process.env.BENCH_PAY_DUPLICATES !== 'off',
};
const flag = (name: string) => process.argv.includes(name);
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const PROF_DIR = join(RESULTS, 'prof');

function ports(config: AppConfig) {
  return {
    gateway: config.GATEWAY_PORT,
    orderService: config.ORDER_SERVICE_PORT,
    cancelService: config.CANCEL_SERVICE_PORT,
  };
}

/** The co-located purchase path for `measure`, stopped afterwards (its gateway profiled with --cpu-prof). */
async function onStack<T>(
  config: AppConfig,
  label: string,
  measure: (gateway: string, gatewayPid: number, processes: () => ProcessGroups) => Promise<T>,
  extra?: Record<string, string>,
): Promise<T> {
  const stack = await startStack({
    label,
    ports: ports(config),
    env: extra,
    cpuProfile: flag('--cpu-prof'),
    databaseUrl: config.DATABASE_URL,
  });
  try {
    return await measure(
      stack.gateway,
      stack.processes[stack.processes.length - 1].pid,
      pathProcesses(stack),
    );
  } finally {
    await stack.stop();
  }
}

/**
 * A sale of 2,000 buyers for 1,000 items, not reported: a gateway in service has run both paths (admission and
 * refusal) long before a sale starts, and the first burst of a fresh process is slower (its code not yet
 * optimised, first calls of each client) — docs/benchmarks.md, "New connections under a spike".
 * Then paced rounds until Kafka's JVM has compiled its hot paths: a freshly started broker's JIT compilers
 * take a core's fifth to third for minutes of a sale (50 µs of CPU per admission in the 50 % row, against
 * 43 µs for all of the broker's work once warm), which a broker in service has long done.
 */
async function warmUp(config: AppConfig, gateway: string): Promise<void> {
  await runSale(config, gateway, { name: 'warm-up', ...SHAPE, buyers: 2_000, stock: 1_000 });
  const [kafka] = infraPids('kafka');
  if (!kafka) return;
  for (let round = 1; round <= WARM.maxRounds; round++) {
    const compiled = threadsCpuMs(kafka, COMPILER_THREAD);
    const started = Date.now();
    const buyers = WARM.rate * WARM.roundS;
    await runSale(config, gateway, {
      name: 'warm-up',
      ...SHAPE,
      buyers,
      stock: buyers,
      rate: WARM.rate,
      connections: PACED_CONNECTIONS,
    });
    const msPerS = Math.round(
      (threadsCpuMs(kafka, COMPILER_THREAD) - compiled) / ((Date.now() - started) / 1000),
    );
    const quiet = msPerS <= WARM.quietCompilerMsPerS;
    console.log(
      `bench: warm-up round ${round}: Kafka's JIT compilers used ${msPerS} ms of CPU a second` +
        (quiet
          ? ' (settled)'
          : round < WARM.maxRounds
            ? ', another round'
            : ', rounds spent: measuring anyway'),
    );
    if (quiet) return;
  }
}

/**
 * The admissions' peak: BENCH_ADMISSION_BURSTS (3) bursts of SHAPE.buyers buyers with stock for all (closed
 * model), each on a fresh activity once the one before has drained, and the median of them by req/s. One burst of about a
 * second varied by a third between identical runs (6,981–9,476/s), and the steady rows are paced at shares
 * of this figure: the median keeps the pace from following one lucky or unlucky second.
 */
async function admissionsPeak(
  config: AppConfig,
  gateway: string,
  gatewayPid: number,
): Promise<{ median: SaleRun; rps: number[] }> {
  const bursts: SaleRun[] = [];
  for (let i = 0; i < ADMISSION_BURSTS; i++)
    bursts.push(
      await runSale(config, gateway, { name: 'admissions', ...SHAPE, stock: SHAPE.buyers, gatewayPid }),
    );
  const rps = bursts.map((b) => b.digest.rps);
  const median = [...bursts].sort((a, b) => a.digest.rps - b.digest.rps)[Math.floor(bursts.length / 2)];
  console.log(
    `bench: admissions: ${rps.join(', ')} req/s in ${bursts.length} bursts; the median, ${median.digest.rps}/s, is the peak`,
  );
  return { median, rps };
}

/** A sale paced at `rate` for SHAPE.steadyS seconds, stock for every buyer: the steady rows. */
function pacedSale(
  config: AppConfig,
  gateway: string,
  name: string,
  rate: number,
  gatewayPid: number,
  processes: () => ProcessGroups,
): Promise<SaleRun> {
  const buyers = Math.round(rate * SHAPE.steadyS);
  return runSale(config, gateway, {
    name,
    ...SHAPE,
    buyers,
    stock: buyers,
    rate,
    connections: PACED_CONNECTIONS,
    gatewayPid,
    processes,
  });
}

/**
 * `--only steady`: the 50 % row alone, as in the whole run — a warmed-up stack, the admissions' burst for
 * its peak, then the paced row at half of it (BENCH_STEADY50_RATE fixes the rate, to compare two builds).
 */
async function steadyOnly(config: AppConfig): Promise<number> {
  const rows = await onStack(config, 'steady', async (gateway, gatewayPid, processes) => {
    await warmUp(config, gateway);
    const { median: admissions, rps: admissionBursts } = await admissionsPeak(config, gateway, gatewayPid);
    const rate = env('BENCH_STEADY50_RATE', Math.max(10, Math.round(0.5 * admissions.digest.rps)));
    return {
      admissions,
      admissionBursts,
      steady50: await pacedSale(config, gateway, 'steady50', rate, gatewayPid, processes),
    };
  });
  const { admissions, admissionBursts, steady50 } = rows;
  const summary = {
    admissionsPeak: admissions.digest.rps,
    admissionBursts,
    steady50: {
      rate: steady50.digest.rps,
      admittedP99Ms: steady50.digest.latencyMs.p99,
      p50Ms: steady50.digest.latencyMs.p50,
      gatewayWaitedForCoreMsPerS: steady50.gatewayWaitedForCoreMsPerS,
      gatewayEventLoopLagMaxMs: steady50.gatewayEventLoopLagMaxMs,
      drainS: steady50.drain.drainS,
      cpuPerAdmissionUsByProcess: steady50.cpuPerRequestUsByProcess,
    },
    invariantsHold: admissions.verdict.ok && steady50.verdict.ok,
  };
  console.log(JSON.stringify(summary, null, 2));
  return summary.invariantsHold ? 0 : 1;
}

async function expiryWaveOnly(config: AppConfig): Promise<number> {
  const wave = await onStack(config, 'wave', (gateway) => runExpiryWave(config, gateway, WAVE));
  writeFileSync(join(RESULTS, 'expiry-wave.json'), `${JSON.stringify(wave, null, 2)}\n`);
  console.log(`${JSON.stringify(wave, null, 2)}\nbench: wrote bench-results/expiry-wave.json`);
  return !wave.verdict || wave.verdict.ok ? 0 : 1;
}

async function paymentsOnly(config: AppConfig): Promise<number> {
  const stack = await startStack({
    label: 'payments',
    ports: ports(config),
    databaseUrl: config.DATABASE_URL,
    providerPort: config.PAYMENT_PROVIDER_PORT,
  });
  let run;
  try {
    run = await runPayments(
      config,
      { gateway: stack.gateway, orderService: stack.orderService, provider: stack.provider! },
      PAYMENTS,
    );
  } finally {
    await stack.stop();
  }
  const md = paymentsMarkdown(run);
  writeFileSync(join(RESULTS, 'payments.json'), `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'payments.md'), md);
  console.log(`\n${md}\nbench: wrote bench-results/payments.json, payments.md`);
  if (flag('--update-docs')) {
    updateDocs(join(ROOT, 'docs/benchmarks.md'), md, 'bench-payments');
    formatBenchmarksDoc();
    console.log('bench: updated the payments section of docs/benchmarks.md');
  }
  const held = [run.verdicts.paid, run.verdicts.late].every((v) => v?.ok);
  return run.complete && held ? 0 : 1;
}

// 10,000 people (100 bots × 20 connections) for 1,000 items, about 50 s on 2 cores; BENCH_ROOM_PEOPLE scales
// the crowd with the same shares (1 % bots, items a tenth of the people).
const ROOM_PEOPLE = env('BENCH_ROOM_PEOPLE', 10_000);
const ROOM = {
  people: ROOM_PEOPLE,
  bots: env('BENCH_ROOM_BOTS', Math.max(1, Math.round(ROOM_PEOPLE / 100))),
  connectionsPerBot: env('BENCH_ROOM_BOT_CONNECTIONS', 20),
  items: env('BENCH_ROOM_ITEMS', Math.round(ROOM_PEOPLE / 10)),
  admitPerSecond: env('BENCH_ROOM_ADMIT_PER_SECOND', Math.max(10, Math.round(ROOM_PEOPLE / 20))),
  maxAdmitted: env('BENCH_ROOM_MAX_ADMITTED', Math.max(10, Math.round(ROOM_PEOPLE / 20))),
  waiting: env('BENCH_ROOM_WAITING', 100_000),
  costRequests: env('BENCH_ROOM_COST_REQUESTS', 20_000),
};

async function waitingRoomOnly(config: AppConfig): Promise<number> {
  const stack = await startStack({
    label: 'room',
    ports: ports(config),
    cpuProfile: flag('--cpu-prof'),
    databaseUrl: config.DATABASE_URL,
  });
  try {
    const gatewayPid = stack.processes[stack.processes.length - 1].pid;
    const room = await runWaitingRoom(config, stack.gateway, gatewayPid, ROOM);
    writeFileSync(join(RESULTS, 'waiting-room.json'), `${JSON.stringify(room, null, 2)}\n`);
    console.log(`${JSON.stringify(room, null, 2)}\nbench: wrote bench-results/waiting-room.json`);
    return 0;
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<number> {
  const config = loadConfig();
  mkdirSync(RESULTS, { recursive: true });
  await expireEarlierRuns(config.DATABASE_URL);
  if (flag('--cpu-prof')) rmSync(PROF_DIR, { recursive: true, force: true });
  if (only === 'expiry-wave') return expiryWaveOnly(config);
  if (only === 'payments') return paymentsOnly(config);
  if (only === 'waiting-room') return waitingRoomOnly(config);
  if (only === 'catalogue') return catalogueOnly(config, ports(config), flag('--update-docs'));
  if (only === 'steady') return steadyOnly(config);
  const cpuShape: CpuShape = {
    runs: env('BENCH_CPU_RUNS', 3),
    buyers: SHAPE.buyers,
    connections: SHAPE.connections,
    barePort: env('BENCH_BARE_PORT', 3090),
  };
  if (only === 'cpu') {
    const status = await cpuOnly(config, cpuShape, (measure) => onStack(config, 'cpu', measure));
    if (flag('--cpu-prof')) console.log(JSON.stringify(summariseLatestProfile(PROF_DIR), null, 2));
    return status;
  }
  if (only)
    throw new Error(
      `--only knows expiry-wave, payments, waiting-room, catalogue, steady and cpu, not "${only}"`,
    );
  const machine = await describeMachine(config.REDIS_URL, config.DATABASE_URL);
  const shape = (name: string, over: Partial<SaleShape> = {}): SaleShape => ({ name, ...SHAPE, ...over });

  const { generators, bare } = await measureBare(config, {
    port: env('BENCH_BARE_PORT', 3090),
    generatorRequests: env('BENCH_GENERATOR_REQUESTS', 20_000),
    buyers: SHAPE.buyers,
    connections: SHAPE.connections,
  });

  // CPU per request: the medians of runs of each kind on a gateway of their own, as `--only cpu`.
  const cpu = await measureCpu(config, cpuShape, (measure) => onStack(config, 'cpu', measure));
  const colocated = await onStack(config, 'colocated', async (gateway, gatewayPid, processes) => {
    await warmUp(config, gateway);
    const refusals = await runSale(config, gateway, shape('refusals', { soldOutFirst: true, gatewayPid }));
    const spike = await runSale(config, gateway, shape('spike', { gatewayPid }));
    const { median: admissions, rps: admissionBursts } = await admissionsPeak(config, gateway, gatewayPid);
    // Paced at a share of the admissions' peak: 80 % (near saturation) and 50 % (headroom).
    const paced = (name: string, rate: number) =>
      pacedSale(config, gateway, name, rate, gatewayPid, processes);
    const steadyRate = env('BENCH_STEADY_RATE', Math.max(10, Math.round(0.8 * admissions.digest.rps)));
    const steady = await paced('steady', steadyRate);
    const steady50Rate = env('BENCH_STEADY50_RATE', Math.max(10, Math.round(0.5 * admissions.digest.rps)));
    const steady50 = await paced('steady50', steady50Rate);
    const scale: { buyers: number; stock: number; run: SaleRun }[] = [];
    for (const buyers of SCALE) {
      const stock = Math.round(buyers / 10);
      const same = buyers === SHAPE.buyers && stock === SHAPE.stock;
      scale.push({
        buyers,
        stock,
        run: same ? spike : await runSale(config, gateway, shape(`scale-${buyers}`, { buyers, stock })),
      });
    }
    return {
      refusals,
      spike,
      admissions,
      admissionBursts,
      steady,
      steadyRate,
      steady50,
      steady50Rate,
      scale,
    };
  });
  const profile = flag('--cpu-prof') ? summariseLatestProfile(PROF_DIR) : null;
  const naive = await runNaive(config, env('BENCH_NAIVE_PORT', 3091), config.DATABASE_URL, shape('naive'));

  let networked: Measurements['networked'];
  try {
    const net = await startNetwork(config, SHAPE.netLatencyMs);
    try {
      const netNaive = await runNaive(
        config,
        env('BENCH_NAIVE_PORT', 3091),
        net.env.DATABASE_URL,
        shape('naive-networked'),
      );
      const netSpike = await onStack(
        config,
        'networked',
        async (gateway) => {
          await warmUp(config, gateway);
          return runSale(config, gateway, shape('spike-networked'));
        },
        net.env,
      );
      networked = { spike: netSpike, naive: netNaive, probeMs: net.probeMs };
    } finally {
      await net.stop();
    }
  } catch (err) {
    networked = { skipped: `networked profile failed: ${err instanceof Error ? err.message : err}` };
    console.error(`bench: ${networked.skipped}`);
  }

  // Last, on a stack of its own: whatever it leaves unfinished cannot disturb another run.
  const wave = await onStack(config, 'wave', (gateway) => runExpiryWave(config, gateway, WAVE)).catch(
    (err) => {
      console.error(`bench: expiry wave failed: ${err instanceof Error ? err.message : err}`);
      return null;
    },
  );
  console.log('bench: micro-benchmarks (Kafka produce, PostgreSQL insert, reserve.lua)');
  const results = assemble({
    machine,
    shape: {
      ...SHAPE,
      steadyRate: colocated.steadyRate,
      steady50Rate: colocated.steady50Rate,
      admissionBurstsRps: colocated.admissionBursts,
    },
    generators,
    bare,
    cpu: cpu.cpu,
    ...colocated,
    naive,
    networked,
    wave,
    micro: await micro(config),
  });
  publish(results, colocated.spike, flag('--update-docs'));
  // The catalogue's curve on a stack of its own, merged into the latest.json just written.
  const catalogue = await catalogueOnly(config, ports(config), flag('--update-docs'));
  if (profile) {
    console.log(`\nbench: gateway self time (${profile.file}):`);
    for (const t of profile.top) console.log(`  ${String(t.share).padStart(5)} %  ${t.selfMs} ms  ${t.fn}`);
  }
  return results.invariantsHold && !cpu.broken && catalogue === 0 ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`bench: ${err instanceof Error ? err.stack : err}`);
    process.exitCode = 2;
  },
);
