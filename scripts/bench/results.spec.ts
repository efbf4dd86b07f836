import { K6Digest } from './k6';
import { Measurements, assemble } from './results';

const digest = (rps: number, successesPerSecond: number, p99 = 10): K6Digest => ({
  scenario: 'spike',
  target: 'gateway',
  setup: { activityId: 1, t0: 0 },
  purchases: 1000,
  windowS: 1,
  rps,
  droppedIterations: 0,
  latencyMs: { admitted: { p50: 1, p95: 5, p99, max: 20 } },
  outcomes: {},
  successes: { count: 100, perSecond: successesPerSecond },
  admissions: [],
});

const measurements = (over: Partial<Measurements> = {}): Measurements =>
  ({
    shape: { buyers: 1000, stock: 100, vus: 10, steadyRate: 80, steadyS: 1 },
    bare: digest(4_000, 4_000),
    purchase: digest(2_400, 1_000),
    naive: digest(700, 50),
    steady: digest(80, 80, 30),
    naiveOversold: 0,
    purchaseVerdict: { ok: true, oversold: 0 },
    steadyVerdict: { ok: true, oversold: 0 },
    micro: { kafkaProduce: { ratio: 30 }, pgInsert: { ratio: 50 }, reserve: { ratio: 1 } },
    ...over,
  }) as Measurements;

describe('benchmark results', () => {
  it('when the purchase path answers 0.6 × bare and 20 × the naive successes/s, then both ratio targets are met', () => {
    const r = assemble(measurements());
    expect(r.ratios.purchaseVsBare).toBe(0.6);
    expect(r.ratios.purchaseVsNaive).toBe(20);
    expect(r.targets.map((t) => t.met)).toEqual([true, true, true, true]);
  });

  it('when the naive design sold one item too many, then oversold counts it and the invariants fail', () => {
    const r = assemble(measurements({ naiveOversold: 1 }));
    expect(r.oversold).toBe(1);
    expect(r.invariantsHold).toBe(false);
  });

  it('when reconcile found a breach on the purchase path, then the invariants fail even with nothing oversold', () => {
    expect(assemble(measurements({ purchaseVerdict: { ok: false, oversold: 0 } })).invariantsHold).toBe(
      false,
    );
  });
});
