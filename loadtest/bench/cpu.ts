import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '@app/config';
import { bareCpuRuns } from './bare';
import { RESULTS } from './paths';
import { SaleShape, runSale } from './sale';

export interface CpuShape {
  /** runs of each kind, on one process each (bare server, gateway) */
  runs: number;
  buyers: number;
  connections: number;
  barePort: number;
}

/** Every run's µs per request, with their minimum and median (null runs left out). */
export interface CpuSeries {
  runs: (number | null)[];
  min: number | null;
  median: number | null;
}

export interface CpuOnly {
  cpuPerRequestUs: { bare: number | null; refusal: number | null; admission: number | null };
  series: { bare: CpuSeries; refusal: CpuSeries; admission: CpuSeries };
  /** admissions counted up to the last answer only: the drain's share is the difference */
  admissionToLastAnswer: CpuSeries;
  /** seconds from the last admission to the last order row, per admission run */
  admissionDrainS: (number | null)[];
  shape: CpuShape;
  /** the machine's 1-minute load average at the start and at the end: other work on the cores */
  loadAverage: { start: number; end: number };
}

function series(runs: (number | null)[]): CpuSeries {
  const got = runs.filter((r): r is number => r !== null).sort((a, b) => a - b);
  return { runs, min: got[0] ?? null, median: got.length ? got[Math.floor((got.length - 1) / 2)] : null };
}

const loadAverage = () => Number(loadavg()[0].toFixed(2));

/**
 * The CPU each kind of answer costs, without the rest of the bench — the bare server, then one gateway
 * (warmed up as in the full run) refusing from its sold-out flag and admitting, each `runs` times with the
 * spike's shape (admissions: stock for every buyer; the CPU counted up to the last order row, the relay's
 * sends included). Its medians are the bench's `cpuPerRequestUs`, in `--only cpu` (bench-results/cpu.json)
 * and in the whole run alike: one run of each kind is disturbed by whatever else the machine does then.
 */
export async function measureCpu(
  config: AppConfig,
  shape: CpuShape,
  onGateway: (measure: (gateway: string, gatewayPid: number) => Promise<void>) => Promise<void>,
): Promise<{ cpu: CpuOnly; broken: boolean }> {
  const start = loadAverage();
  const bare = await bareCpuRuns(config, { port: shape.barePort, ...shape });
  const refusal: (number | null)[] = [];
  const admission: (number | null)[] = [];
  const answered: (number | null)[] = [];
  const drainS: (number | null)[] = [];
  let broken = false;
  await onGateway(async (gateway, gatewayPid) => {
    const sale = (name: string, over: Partial<SaleShape>) =>
      runSale(config, gateway, { name, stock: 1_000, ...shape, ...over });
    await sale('warm-up', { buyers: 2_000 });
    for (let i = 0; i < shape.runs; i++) {
      const refused = await sale('cpu-refusals', { soldOutFirst: true, gatewayPid });
      const admitted = await sale('cpu-admissions', { stock: shape.buyers, gatewayPid });
      refusal.push(refused.cpuPerRequestUs);
      admission.push(admitted.cpuPerRequestUs);
      answered.push(admitted.cpuToLastAnswerUs);
      drainS.push(admitted.drain.drainS);
      broken ||= !refused.verdict.ok || !admitted.verdict.ok;
    }
  });
  const s = { bare: series(bare), refusal: series(refusal), admission: series(admission) };
  const cpu: CpuOnly = {
    cpuPerRequestUs: { bare: s.bare.median, refusal: s.refusal.median, admission: s.admission.median },
    series: s,
    admissionToLastAnswer: series(answered),
    admissionDrainS: drainS,
    shape,
    loadAverage: { start, end: loadAverage() },
  };
  writeFileSync(join(RESULTS, 'cpu.json'), `${JSON.stringify(cpu, null, 2)}\n`);
  return { cpu, broken };
}

/** `--only cpu`: `measureCpu` alone, printed. */
export async function cpuOnly(
  config: AppConfig,
  shape: CpuShape,
  onGateway: (measure: (gateway: string, gatewayPid: number) => Promise<void>) => Promise<void>,
): Promise<number> {
  const { cpu, broken } = await measureCpu(config, shape, onGateway);
  console.log(`${JSON.stringify(cpu, null, 2)}\nbench: wrote bench-results/cpu.json`);
  return broken ? 1 : 0;
}
