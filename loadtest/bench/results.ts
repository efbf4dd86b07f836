import { CpuOnly } from './cpu';
import { Drain } from './drain';
import { ExpiryWave } from './expiry-wave';
import { compareGenerators } from './generators';
import { Verdict } from './invariants';
import { LoadDigest } from './load-digest';
import { Machine } from './machine';
import { NaiveRun } from './naive';
import { SaleRun } from './sale';
import { micro } from './micro';
import { round } from './stats';

export interface Target {
  target: string;
  measured: string;
  met: boolean;
  /** why not, where not met */
  reason?: string;
}
export interface Measurements {
  machine: Machine;
  shape: {
    buyers: number;
    stock: number;
    connections: number;
    steadyRate: number;
    /** the steady50 row's pace: 50 % of the admissions' req/s */
    steady50Rate: number;
    /** req/s of each admissions burst; the median is `admissions` (the peak the steady rows are paced by) */
    admissionBurstsRps: number[];
    steadyS: number;
    netLatencyMs: number;
  };
  generators: Awaited<ReturnType<typeof compareGenerators>>;
  bare: LoadDigest;
  /** CPU per request, the medians of runs of each kind (`measureCpu`) */
  cpu: CpuOnly;
  refusals: SaleRun;
  spike: SaleRun;
  admissions: SaleRun;
  steady: SaleRun;
  steady50: SaleRun;
  naive: NaiveRun;
  networked:
    { spike: SaleRun; naive: NaiveRun; probeMs: { redis: number; postgres: number } } | { skipped: string };
  scale: { buyers: number; stock: number; run: SaleRun }[];
  wave: ExpiryWave | null;
  micro: Awaited<ReturnType<typeof micro>>;
}
export type BenchResults = ReturnType<typeof assemble>;

/** The gateway's wait for a core, where measured: on a shared machine, the latency it cannot help. */
const waited = (msPerS: number | null) =>
  msPerS === null ? '' : `; the gateway waited for a core ${msPerS} ms of every second`;

/** Each process's CPU per admission on the whole path (the load generator's too), and their total. */
function pathCpu(run: SaleRun): Record<string, number> | null {
  if (!run.cpuPerRequestUsByProcess) return null;
  const wrk = run.digest.generator.cpuPerRequestMs;
  const all = { ...run.cpuPerRequestUsByProcess, ...(wrk === null ? {} : { wrk: Math.round(wrk * 1000) }) };
  return { ...all, total: Object.values(all).reduce((a, b) => a + b, 0) };
}

/** A paced row's figures: its rate, the p99 of its admitted purchases, whether all were admitted. */
function steadyRow(run: SaleRun, rate: number) {
  return {
    rate,
    admittedP99Ms: run.digest.latencyMs.p99,
    allAdmitted: Object.keys(run.digest.outcomes).every((o) => o === 'QUEUED'),
    behindMs: run.digest.behindMs,
    gatewayWaitedForCoreMsPerS: run.gatewayWaitedForCoreMsPerS,
    /** µs of CPU per admission, by process, from the first send to the last order row */
    pathCpuPerAdmissionUs: pathCpu(run),
  };
}

/** The target of a paced row: its admitted purchases' p99 under `limitMs` at `share` of the peak. */
function steadyTarget(
  row: ReturnType<typeof steadyRow>,
  run: SaleRun,
  share: string,
  limitMs: number,
): Target {
  const target = `p99 of admitted purchases < ${limitMs} ms at ${share} of peak (${row.rate}/s)`;
  const measured = `${row.admittedP99Ms} ms`;
  if (row.admittedP99Ms < limitMs && row.allAdmitted) return { target, measured, met: true };
  const cpu = row.pathCpuPerAdmissionUs;
  const busy = cpu
    ? `; the whole path used ${cpu.total} µs of CPU per admission (${Object.entries(cpu)
        .filter(([name]) => name !== 'total')
        .map(([name, us]) => `${name} ${us}`)
        .join(', ')}), ${Math.round((cpu.total * row.rate) / 1000)} ms of every second at this rate`
    : '';
  const reason = row.allAdmitted
    ? `p99 ${row.admittedP99Ms} ms (p50 ${run.digest.latencyMs.p50} ms; sends up to ${row.behindMs} ms behind schedule${waited(row.gatewayWaitedForCoreMsPerS)}${busy})`
    : `not every steady purchase was admitted: ${JSON.stringify(run.digest.outcomes)}`;
  return { target, measured, met: false, reason };
}
/**
 * The spike's tail against its median. Its answers are of two kinds: in a closed model each connection
 * waits for the answers ahead of it (connections ÷ req/s), so the refusals answered from memory make the
 * p50 and the 202s, each a Redis round trip and a relay's share, the p99 — what the rates alone predict is
 * given with the reason.
 */
function spikeTarget(m: Measurements): Target {
  const { p50, p99 } = m.spike.digest.latencyMs;
  const target = 'spike: p99 ≤ 5 × its p50';
  const measured = `${round(p99 / Math.max(p50, 0.001), 1)}× (${p99} ÷ ${p50} ms)`;
  if (p99 <= 5 * p50) return { target, measured, met: true };
  const waitMs = (rps: number) => round((m.shape.connections * 1000) / Math.max(rps, 1), 1);
  const reason =
    `${m.shape.connections} connections, closed model: a refusal waits ~${waitMs(m.refusals.digest.rps)} ms ` +
    `(at the refusals' ${m.refusals.digest.rps}/s), a 202 ~${waitMs(m.admissions.digest.rps)} ms ` +
    `(at the admissions' ${m.admissions.digest.rps}/s); the rest of the tail is outside the gateway's code: ` +
    `its event loop was late by ${m.spike.gatewayEventLoopLagMaxMs ?? '—'} ms at most` +
    waited(m.spike.gatewayWaitedForCoreMsPerS);
  return { target, measured, met: false, reason };
}
const ratio = (a: number, b: number, digits = 2) => (b > 0 ? round(a / b, digits) : 0);
/** What a run contributes to the results: its digest, drain and verdict, not its admissions curve twice. */
const figures = (r: SaleRun) => ({
  activityId: r.activityId,
  ...r.digest,
  drain: { ...r.drain, curve: undefined },
  verdict: r.verdict,
  redisBytes: r.redisBytes,
  cpuPerRequestUs: r.cpuPerRequestUs,
  gatewayWaitedForCoreMsPerS: r.gatewayWaitedForCoreMsPerS,
  gatewayEventLoopLagMaxMs: r.gatewayEventLoopLagMaxMs,
});

/** The ratios of one run (what means something on a shared machine), the targets, and every raw figure. */
export function assemble(m: Measurements) {
  const { bare, spike, naive } = m;
  const net = 'skipped' in m.networked ? null : m.networked;
  const ratios = {
    refusalsVsBare: ratio(m.refusals.digest.rps, bare.rps),
    spikeVsBare: ratio(spike.digest.rps, bare.rps),
    admissionsVsBare: ratio(m.admissions.digest.rps, bare.rps),
    successesVsNaive: ratio(spike.digest.successes.perSecond, naive.digest.successes.perSecond, 1),
    successesVsNaiveNetworked: net
      ? ratio(net.spike.digest.successes.perSecond, net.naive.digest.successes.perSecond, 1)
      : null,
  };
  const steady = steadyRow(m.steady, m.shape.steadyRate);
  const steady50 = steadyRow(m.steady50, m.shape.steady50Rate);
  // Each process's CPU time over its run ÷ answers: the figure a shared machine disturbs least, and the
  // median of several runs of each kind, as one run is disturbed by whatever else the machine does then.
  const cpuPerRequestUs = m.cpu.cpuPerRequestUs;
  const verdicts: Verdict[] = [
    m.refusals,
    spike,
    m.admissions,
    m.steady,
    m.steady50,
    ...(net ? [net.spike] : []),
    ...m.scale.map((s) => s.run),
  ].map((r) => r.verdict);
  if (m.wave?.verdict) verdicts.push(m.wave.verdict);
  const oversold = verdicts.reduce((a, v) => a + v.oversold, 0) + naive.oversold + (net?.naive.oversold ?? 0);
  const reconcileOk = verdicts.every((v) => v.ok);
  const invariantsHold = oversold === 0 && reconcileOk;
  const x = (v: number | null) => (v === null ? '—' : `${v}×`);
  const target = (name: string, measured: string, met: boolean, reason: string): Target =>
    met ? { target: name, measured, met } : { target: name, measured, met, reason };
  const wave = m.wave;
  const targets: Target[] = [
    target(
      'refusals ≥ 0.8 × bare node:http req/s (every answer SOLD_OUT)',
      x(ratios.refusalsVsBare),
      ratios.refusalsVsBare >= 0.8,
      `${m.refusals.digest.rps} refusals/s against ${bare.rps} bare req/s: the gateway's CPU per refusal`,
    ),
    target(
      'admissions ≥ 0.6 × bare req/s (stock for every buyer)',
      x(ratios.admissionsVsBare),
      ratios.admissionsVsBare >= 0.6,
      `${m.admissions.digest.rps} admissions/s (p50 ${m.admissions.digest.latencyMs.p50} ms) against ${bare.rps} bare req/s`,
    ),
    target(
      'successful purchases/s ≥ 3 × the naive design, co-located',
      x(ratios.successesVsNaive),
      ratios.successesVsNaive >= 3,
      `${spike.digest.successes.perSecond} sales/s against the naive design's ${naive.digest.successes.perSecond}`,
    ),
    target(
      `successful purchases/s ≥ 10 × the naive design, networked (+${m.shape.netLatencyMs} ms per round trip)`,
      x(ratios.successesVsNaiveNetworked),
      (ratios.successesVsNaiveNetworked ?? 0) >= 10,
      net
        ? `${net.spike.digest.successes.perSecond} sales/s against the naive design's ${net.naive.digest.successes.perSecond}`
        : (m.networked as { skipped: string }).skipped,
    ),
    spikeTarget(m),
    target(
      `gateway CPU per admission ≤ 85 µs (median of ${m.cpu.series.admission.runs.length} runs)`,
      `${cpuPerRequestUs.admission ?? '—'} µs`,
      (cpuPerRequestUs.admission ?? Infinity) <= 85,
      `runs: ${m.cpu.series.admission.runs.join(', ')} µs`,
    ),
    steadyTarget(steady, m.steady, '80 %', 50),
    steadyTarget(steady50, m.steady50, '50 %', 25),
    target(
      'expiry wave: every order cancelled and its stock back within 10 s, ≥ 5,000 cancellations/s',
      wave
        ? `max lateness ${wave.latenessMs ? wave.latenessMs.max / 1000 : '—'} s, ${wave.cancellationsPerSecond}/s`
        : 'not run',
      !!wave &&
        wave.complete &&
        (wave.latenessMs?.max ?? Infinity) <= 10_000 &&
        wave.cancellationsPerSecond >= 5_000,
      wave
        ? `${wave.released} of ${wave.shape.orders} released${wave.complete ? '' : ` after waiting ${wave.shape.waitS} s past the last expiry`}, ${wave.cancellationsPerSecond}/s`
        : 'not run',
    ),
    target(
      'zero oversell in every run',
      String(oversold),
      oversold === 0,
      `${oversold} items sold beyond the stock`,
    ),
    target(
      'reconcile holds after every run',
      reconcileOk ? 'ok' : 'BREACH',
      reconcileOk,
      'see the verdicts of the runs',
    ),
  ];
  return {
    generatedAt: new Date().toISOString(),
    machine: m.machine,
    shape: m.shape,
    generators: m.generators,
    ratios,
    cpuPerRequestUs,
    steady,
    steady50,
    oversold,
    invariantsHold,
    targets,
    runs: {
      bare,
      refusals: figures(m.refusals),
      spike: figures(spike),
      admissions: figures(m.admissions),
      steady: figures(m.steady),
      steady50: figures(m.steady50),
      naive: { activityId: naive.activityId, ...naive.digest, oversold: naive.oversold },
      networked: net
        ? {
            probeMs: net.probeMs,
            spike: figures(net.spike),
            naive: { ...net.naive.digest, oversold: net.naive.oversold },
          }
        : { skipped: (m.networked as { skipped: string }).skipped },
    },
    scale: m.scale.map(({ buyers, stock, run }) => ({
      buyers,
      stock,
      rps: run.digest.rps,
      p99Ms: run.digest.latencyMs.p99,
      redisBytes: run.redisBytes,
      drainS: run.drain.drainS,
    })),
    expiryWave: wave,
    micro: m.micro,
  };
}

export type { Drain };
