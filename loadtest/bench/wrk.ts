import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { signBuyerToken } from '@app/auth';
import { LoadDigest, WrkOutput, digestWrk } from './load-digest';
import { RESULTS, ROOT } from './paths';
import { cpuMs } from './proc-stat';

export interface LoadPlan {
  /** names the files under bench-results/ */
  name: string;
  /** e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  /** e.g. /api/seckill/12 */
  path: string;
  /** one request per token, in this order (dealt round-robin to the threads) */
  tokens: string[];
  connections: number;
  /** requests per second over all threads (approximately open model); unset: as fast as answered */
  rate?: number;
  threads?: number;
  /** the run is stopped after this long whatever is still unanswered */
  maxDurationS?: number;
}

/** Signs `count` distinct buyers' tokens (HS256, sub + exp), `${prefix}-0` … (libs/auth). */
export function buyerTokens(prefix: string, count: number, secret: string, ttlSeconds = 3_600): string[] {
  return Array.from({ length: count }, (_, i) => signBuyerToken(`${prefix}-${i}`, secret, ttlSeconds));
}

/**
 * Runs loadtest/wrk/purchase.lua: every token answered once (or the time is up), then wrk is interrupted
 * and its JSON read. The generator's own CPU (utime + stime of its process, from when the threads are
 * ready to when the last answer came) is part of the digest: it shares the cores with the target.
 */
export async function runWrk(plan: LoadPlan): Promise<LoadDigest> {
  const threads = Math.max(1, Math.min(plan.threads ?? 1, plan.tokens.length));
  const connections = Math.max(threads, Math.min(plan.connections, plan.tokens.length));
  mkdirSync(RESULTS, { recursive: true });
  const tokensFile = join(RESULTS, `${plan.name}.tokens`);
  const outFile = join(RESULTS, `${plan.name}-wrk.json`);
  writeFileSync(tokensFile, `${plan.tokens.join('\n')}\n`);
  rmSync(outFile, { force: true });
  const maxS = plan.maxDurationS ?? 300;
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${maxS}s`, '--timeout', '60s'];
  const child = spawn('wrk', [...args, '-s', join(ROOT, 'loadtest/wrk/purchase.lua'), plan.baseUrl], {
    env: {
      ...process.env,
      WRK_TOKENS: tokensFile,
      WRK_THREADS: String(threads),
      WRK_PATH: plan.path,
      WRK_OUT: outFile,
      WRK_RATE: String(plan.rate ?? 0),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = child.pid!;
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  let ready = 0;
  let finished = 0;
  let cpuBefore: number | null = null;
  let cpuAfter: number | null = null;
  const report: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'wrk-ready' && ++ready === threads) cpuBefore = cpuMs(pid);
    else if (line === 'wrk-thread-done' && ++finished === threads) {
      cpuAfter = cpuMs(pid);
      child.kill('SIGINT'); // wrk sleeps out its -d otherwise; on SIGINT it reports at once
    } else if (line !== 'wrk-ready' && line !== 'wrk-thread-done') report.push(line);
  });
  const code = await exited;
  rmSync(tokensFile, { force: true });
  writeFileSync(join(RESULTS, `${plan.name}-wrk.txt`), `${report.join('\n')}\n`);
  if (code !== 0) throw new Error(`wrk (${plan.name}) exited with ${code}: ${report.join(' / ')}`);
  const raw = JSON.parse(readFileSync(outFile, 'utf8')) as WrkOutput;
  const cpu = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null;
  return digestWrk(raw, plan.name, cpu);
}
