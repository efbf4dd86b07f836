import { spawn } from 'node:child_process';
import { existsSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RESULTS, ROOT } from './paths';
import { cpuMs } from './proc-stat';
import { round } from './stats';
import { runWrk } from './wrk';

export interface GeneratorFigure {
  generator: string;
  requests: number;
  rps: number;
  cpuMs: number | null;
  /** the generator's own CPU (utime + stime) per request, ms: what it takes from the target's cores */
  cpuPerRequestMs: number | null;
  note?: string;
}

const AUTOCANNON = join(ROOT, '.local/tools/autocannon/node_modules/autocannon');

/**
 * The choice of load generator, measured: the same requests (one distinct buyer token each, POST with a
 * JSON body, counted by answer) against the bare node:http server, by each generator in turn, and each
 * generator's CPU per request read from /proc/<pid>/stat. On a 2-core machine the generator competes with
 * the target: the lighter it is, the more honest every ratio of the bench.
 */
export async function compareGenerators(bareUrl: string, tokens: string[], connections: number) {
  const wrk = await runWrk({
    name: 'bench-generator-wrk',
    baseUrl: bareUrl,
    path: '/api/seckill/1',
    tokens,
    connections,
  });
  const figures: GeneratorFigure[] = [
    {
      generator: 'wrk 4.1 (C + LuaJIT, 1 thread)',
      requests: wrk.requests,
      rps: wrk.rps,
      cpuMs: wrk.generator.cpuMs,
      cpuPerRequestMs: wrk.generator.cpuPerRequestMs,
    },
    await runAutocannon(bareUrl, tokens, connections),
    {
      generator: 'vegeta (Go)',
      requests: 0,
      rps: 0,
      cpuMs: null,
      cpuPerRequestMs: null,
      note: 'not measured (a Go build of its own)',
    },
  ];
  const measured = figures.filter((f) => f.cpuPerRequestMs !== null);
  const lightest = measured.sort((a, b) => a.cpuPerRequestMs! - b.cpuPerRequestMs!)[0];
  return { requests: tokens.length, connections, figures, lightest: lightest?.generator ?? null };
}

async function runAutocannon(url: string, tokens: string[], connections: number): Promise<GeneratorFigure> {
  const generator = 'autocannon 9 (Node.js)';
  if (!existsSync(AUTOCANNON))
    return { generator, requests: 0, rps: 0, cpuMs: null, cpuPerRequestMs: null, note: 'not installed' };
  const tokensFile = join(RESULTS, 'bench-generator-autocannon.tokens');
  writeFileSync(tokensFile, `${tokens.join('\n')}\n`);
  const child = spawn(process.execPath, [join(ROOT, 'loadtest/generators/autocannon-run.js')], {
    env: {
      ...process.env,
      AC_MODULE: AUTOCANNON,
      AC_URL: url,
      AC_PATH: '/api/seckill/1',
      AC_TOKENS: tokensFile,
      AC_CONNECTIONS: String(connections),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let before: number | null = null;
  let after: number | null = null;
  let startedAt = 0;
  let wallMs = 0;
  let result: { requests: number } | undefined;
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolve());
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'ac-ready') [before, startedAt] = [cpuMs(child.pid!), Date.now()];
    else if (line === 'ac-finished') [after, wallMs] = [cpuMs(child.pid!), Date.now() - startedAt];
    else if (line.startsWith('{')) {
      result = JSON.parse(line);
      child.kill('SIGTERM');
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
  await exited;
  clearTimeout(timer);
  rmSync(tokensFile, { force: true });
  const requests = result?.requests ?? 0;
  const cpu = before !== null && after !== null ? after - before : null;
  return {
    generator,
    requests,
    rps: round((requests * 1000) / Math.max(1, wallMs), 0),
    cpuMs: cpu === null ? null : round(cpu, 0),
    cpuPerRequestMs: cpu === null || !requests ? null : round(cpu / requests, 4),
  };
}
