import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a V8 .cpuprofile (what `node --cpu-prof` writes) that self time needs. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  fn: string;
  selfMs: number;
  /** share of all sampled time, % */
  share: number;
}

/**
 * Self time by function: each sample's time delta is charged to the node it hit, nodes of the same
 * function (name, file, line) are summed. "(idle)" is left out of the shares: it is time the process
 * waited, not time it spent.
 */
export function topSelfTime(profile: CpuProfile, top = 15): SelfTime[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byFn = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id);
    if (!frame || frame.functionName === '(idle)') return;
    const file = frame.url.replace(/^.*\/(node_modules|dist)\//, '$1/').replace(/^file:\/\//, '');
    const fn =
      `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
    byFn.set(fn, (byFn.get(fn) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...byFn.values()].reduce((a, b) => a + b, 0) || 1;
  return [...byFn.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, us]) => ({
      fn,
      selfMs: Math.round(us / 1000),
      share: Number(((100 * us) / total).toFixed(1)),
    }));
}

/** The newest .cpuprofile in `dir`, summarised. */
export function summariseLatestProfile(dir: string, top = 15): { file: string; top: SelfTime[] } | null {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort();
  const file = files.at(-1);
  if (!file) return null;
  return { file: join(dir, file), top: topSelfTime(JSON.parse(readFileSync(join(dir, file), 'utf8')), top) };
}
