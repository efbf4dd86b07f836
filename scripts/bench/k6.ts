import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../../..');
export const RESULTS = join(ROOT, 'bench-results');

/** The digest handleSummary writes (loadtest/lib/summary.js); only what the bench reads is typed. */
export interface K6Digest {
  scenario: string;
  target: string;
  setup: { activityId: number; t0: number; stock?: number };
  purchases: number;
  windowS: number;
  rps: number;
  droppedIterations: number;
  latencyMs: { purchase?: Latency; admitted?: Latency };
  outcomes: Record<string, number>;
  successes: { count: number; lastS?: number; perSecond?: number };
  admissions: [number, number][];
}
export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Runs one k6 scenario (thresholds off: the bench reports, it does not judge) and returns its digest.
 * `name` names the files under bench-results/ so that runs of the same script do not overwrite each other.
 */
export async function runK6(
  script: string,
  name: string,
  vars: Record<string, string | number>,
): Promise<K6Digest> {
  const k6 = process.env.K6 ?? join(ROOT, '.local/tools/k6');
  const env = {
    ...vars,
    SUMMARY_NAME: name,
    SUMMARY_DIR: RESULTS,
    RUN_ID: `${process.env.RUN_ID ?? Date.now()}-${name}`,
  };
  const args = [
    'run',
    '--quiet',
    '--no-thresholds',
    ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
  ];
  console.log(`bench: k6 ${script} (${name})`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(k6, [...args, join(ROOT, 'loadtest', script)], { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`k6 ${script} (${name}) exited with ${code}`);
  return JSON.parse(readFileSync(join(RESULTS, `${name}-summary.json`), 'utf8')).summary as K6Digest;
}
