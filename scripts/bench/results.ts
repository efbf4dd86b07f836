import { Drain } from './drain';
import { Verdict } from './invariants';
import { K6Digest } from './k6';
import { ProduceBench } from './kafka-produce';
import { Machine } from './machine';
import { InsertBench } from './pg-insert';
import { ReserveBench } from './redis-reserve';
import { round } from './timing';

export interface PathRun {
  label: string;
  digest: K6Digest;
  oversold: number;
}
export interface Target {
  target: string;
  measured: string;
  met: boolean;
}
export interface Measurements {
  machine: Machine;
  shape: { buyers: number; stock: number; vus: number; steadyRate: number; steadyS: number };
  bare: K6Digest;
  naive: K6Digest;
  purchase: K6Digest;
  steady: K6Digest;
  naiveOversold: number;
  purchaseVerdict: Verdict;
  steadyVerdict: Verdict;
  drain: Drain;
  micro: { kafkaProduce: ProduceBench; pgInsert: InsertBench; reserve: ReserveBench };
}
export type BenchResults = ReturnType<typeof assemble>;

/** Ratios of one run (the only figures that mean something on a shared machine) and the targets. */
export function assemble(m: Measurements) {
  const { bare, naive, purchase, steady, micro } = m;
  const ratios = {
    /** same load shape, any answer: mostly SOLD_OUT once the stock is gone, as in a real flash sale */
    purchaseVsBare: round(purchase.rps / bare.rps),
    /** admissions/s (full purchases) against the bare ceiling: the cost of the whole path */
    admissionsVsBare: round((purchase.successes.perSecond ?? 0) / bare.rps),
    purchaseVsNaive: round((purchase.successes.perSecond ?? 0) / (naive.successes.perSecond || Infinity), 1),
    kafkaBatchedVsOneByOne: micro.kafkaProduce.ratio,
    pgMultiRowVsPerRow: micro.pgInsert.ratio,
    reserveNodeVsRedisBenchmark: micro.reserve.ratio,
  };
  const { purchaseVerdict: pv, steadyVerdict: sv } = m;
  const oversold = pv.oversold + sv.oversold + m.naiveOversold;
  const invariantsHold = oversold === 0 && pv.ok && sv.ok;
  const p99 = steady.latencyMs.admitted?.p99 ?? Infinity;
  const targets: Target[] = [
    {
      target: 'purchase path ≥ 0.5 × bare node:http req/s (same spike)',
      measured: `${ratios.purchaseVsBare}× (admissions alone: ${ratios.admissionsVsBare}×)`,
      met: ratios.purchaseVsBare >= 0.5,
    },
    {
      target: 'successful purchases/s ≥ 10 × the naive design, under the spike',
      measured: `${ratios.purchaseVsNaive}×`,
      met: ratios.purchaseVsNaive >= 10,
    },
    {
      target: `p99 of admitted purchases < 50 ms at 80 % of peak (${m.shape.steadyRate}/s)`,
      measured: `${p99} ms, ${steady.droppedIterations} buyers dropped`,
      met: p99 < 50 && steady.droppedIterations === 0,
    },
    {
      target: 'zero oversell in every scenario, reconcile ok',
      measured: `${oversold} oversold, reconcile ${pv.ok && sv.ok ? 'ok' : 'BREACH'}`,
      met: invariantsHold,
    },
  ];
  return {
    generatedAt: new Date().toISOString(),
    machine: m.machine,
    shape: m.shape,
    ratios,
    oversold,
    invariantsHold,
    targets,
    runs: {
      bare: { label: 'bare node:http 200 (the ceiling)', digest: bare, oversold: 0 },
      purchase: { label: 'purchase path (gateway → Redis → Kafka)', digest: purchase, oversold: pv.oversold },
      naive: {
        label: 'naive: one PostgreSQL transaction per purchase',
        digest: naive,
        oversold: m.naiveOversold,
      },
      steady: {
        label: `purchase path, steady ${m.shape.steadyRate}/s`,
        digest: steady,
        oversold: sv.oversold,
      },
    },
    drain: m.drain,
    micro,
  };
}
