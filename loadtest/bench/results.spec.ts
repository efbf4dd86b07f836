import { LoadDigest } from './load-digest';
import { Measurements, assemble } from './results';
import { SaleRun } from './sale';

const digest = (
  rps: number,
  successesPerSecond: number,
  outcomes: Record<string, number> = { QUEUED: 1 },
  p99 = 10,
) =>
  ({
    name: 'run',
    requests: 1000,
    windowS: 1,
    rps,
    latencyMs: { p50: 1, p90: 4, p95: 5, p99, max: 20, mean: 2 },
    outcomes,
    socketErrors: 0,
    successes: { count: 100, perSecond: successesPerSecond, lastMs: 1_000 },
    admissions: [],
    t0: 0,
    behindMs: 0,
    generator: { name: 'wrk', cpuMs: 10, cpuPerRequestMs: 0.01 },
  }) as LoadDigest;
const sale = (d: LoadDigest, verdict = { ok: true, oversold: 0 }, cpu: number | null = null): SaleRun => ({
  activityId: 1,
  digest: d,
  drain: { persisted: 100, drainS: 0.1, curve: [] },
  verdict,
  redisBytes: 1_000,
  cpuPerRequestUs: cpu,
  cpuToLastAnswerUs: cpu,
  gatewayWaitedForCoreMsPerS: null,
  gatewayEventLoopLagMaxMs: 12,
  cpuPerRequestUsByProcess: null,
});

const measurements = (over: Partial<Measurements> = {}): Measurements =>
  ({
    shape: {
      buyers: 1000,
      stock: 100,
      connections: 10,
      steadyRate: 80,
      steady50Rate: 50,
      admissionBurstsRps: [90, 100, 110],
      steadyS: 1,
      netLatencyMs: 1,
    },
    bare: digest(4_000, 4_000),
    cpu: {
      cpuPerRequestUs: { bare: 25, refusal: 55, admission: 85 },
      series: { admission: { runs: [90, 85, 80], min: 80, median: 85 } },
    },
    refusals: sale(digest(3_600, 0, { SOLD_OUT: 1000 }), undefined, 61),
    spike: sale(digest(3_000, 1_000, { QUEUED: 100, SOLD_OUT: 900 }, 4)),
    admissions: sale(digest(2_500, 2_500), undefined, 90),
    steady: sale(digest(80, 80, { QUEUED: 80 }, 30)),
    steady50: sale(digest(50, 50, { QUEUED: 50 }, 12)),
    naive: { activityId: 2, digest: digest(700, 200), oversold: 0 },
    networked: {
      spike: sale(digest(2_000, 900)),
      naive: { activityId: 3, digest: digest(300, 60), oversold: 0 },
    },
    scale: [],
    wave: null,
    micro: {},
    ...over,
  }) as unknown as Measurements;

describe('benchmark results', () => {
  it('when every ratio clears its bar, then those targets are met and the ratios are those of the runs', () => {
    const r = assemble(measurements());
    expect(r.ratios).toEqual({
      refusalsVsBare: 0.9,
      spikeVsBare: 0.75,
      admissionsVsBare: 0.63,
      successesVsNaive: 5,
      successesVsNaiveNetworked: 15,
    });
    expect(r.steady.admittedP99Ms).toBe(30);
    expect(r.steady50.admittedP99Ms).toBe(12);
    // the medians of the CPU runs, not the single refusals and admissions runs
    expect(r.cpuPerRequestUs).toEqual({ bare: 25, refusal: 55, admission: 85 });
    expect(r.targets.filter((t) => !t.met).map((t) => t.target)).toEqual([
      'expiry wave: every order cancelled and its stock back within 10 s, ≥ 5,000 cancellations/s',
    ]);
  });

  it("when the spike's p99 is over 5 × its p50, then the reason gives the waits its rates predict", () => {
    const r = assemble(measurements({ spike: sale(digest(3_000, 1_000, { QUEUED: 100 }, 40)) }));
    const spike = r.targets.find((t) => t.target.startsWith('spike'))!;
    expect(spike).toMatchObject({ met: false, measured: '40× (40 ÷ 1 ms)' });
    // 10 connections: 10 ÷ 3,600 refusals/s, 10 ÷ 2,500 admissions/s
    expect(spike.reason).toContain('a refusal waits ~2.8 ms');
    expect(spike.reason).toContain('a 202 ~4 ms');
    expect(spike.reason).toContain('its event loop was late by 12 ms at most');
  });

  it('when a target is missed, then it says why', () => {
    const r = assemble(measurements({ refusals: sale(digest(1_000, 0, { SOLD_OUT: 1000 })) }));
    const refusals = r.targets.find((t) => t.target.startsWith('refusals'))!;
    expect(refusals).toMatchObject({ met: false, measured: '0.25×' });
    expect(refusals.reason).toContain('1000 refusals/s against 4000 bare req/s');
  });

  it('when the naive design sold one item too many, then oversold counts it and the invariants fail', () => {
    const r = assemble(measurements({ naive: { activityId: 2, digest: digest(700, 200), oversold: 1 } }));
    expect(r.oversold).toBe(1);
    expect(r.invariantsHold).toBe(false);
  });

  it('when reconcile found a breach in one run, then the invariants fail even with nothing oversold', () => {
    const r = assemble(measurements({ steady: sale(digest(80, 80), { ok: false, oversold: 0 }) }));
    expect(r.oversold).toBe(0);
    expect(r.invariantsHold).toBe(false);
  });

  it('when the networked profile could not run, then its ratio is null and the target gives the reason', () => {
    const r = assemble(measurements({ networked: { skipped: 'toxiproxy did not start' } }));
    expect(r.ratios.successesVsNaiveNetworked).toBeNull();
    expect(r.targets.find((t) => t.target.includes('networked'))).toMatchObject({
      met: false,
      reason: 'toxiproxy did not start',
    });
  });

  it('when the steady row at 50 % of peak answers its p99 in 25 ms or more, then that target is not met', () => {
    const r = assemble(measurements({ steady50: sale(digest(50, 50, { QUEUED: 50 }, 40)) }));
    expect(r.targets.find((t) => t.target.includes('50 % of peak'))).toMatchObject({
      met: false,
      measured: '40 ms',
    });
  });

  it("when the whole path's CPU was measured during a steady row, then its reason adds it up against the rate", () => {
    const steady50 = {
      ...sale(digest(50, 50, { QUEUED: 50 }, 40)),
      cpuPerRequestUsByProcess: { gateway: 100, 'order-service': 150, postgres: 140 },
    };
    const r = assemble(measurements({ steady50 }));
    // wrk: 0.01 ms per request in the digest
    expect(r.steady50.pathCpuPerAdmissionUs).toEqual({
      gateway: 100,
      'order-service': 150,
      postgres: 140,
      wrk: 10,
      total: 400,
    });
    expect(r.targets.find((t) => t.target.includes('50 %'))!.reason).toContain(
      'the whole path used 400 µs of CPU per admission (gateway 100, order-service 150, postgres 140, wrk 10), 20 ms of every second',
    );
  });

  it('when the gateway waited for a core during a steady row, then its reason says how long', () => {
    const steady50 = { ...sale(digest(50, 50, { QUEUED: 50 }, 40)), gatewayWaitedForCoreMsPerS: 120 };
    const r = assemble(measurements({ steady50 }));
    expect(r.steady50.gatewayWaitedForCoreMsPerS).toBe(120);
    expect(r.targets.find((t) => t.target.includes('50 % of peak'))?.reason).toContain(
      'the gateway waited for a core 120 ms of every second',
    );
  });

  it('when some steady purchases were not admitted, then the latency target is not met', () => {
    const r = assemble(measurements({ steady: sale(digest(80, 70, { QUEUED: 70, RATE_LIMITED: 10 }, 20)) }));
    expect(r.targets.find((t) => t.target.startsWith('p99'))).toMatchObject({ met: false });
  });
});
