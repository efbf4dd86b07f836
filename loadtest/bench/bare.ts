import { AppConfig } from '@app/config';
import { compareGenerators } from './generators';
import { NodeProcess } from '../../test/support/node-process';
import { cpuMs } from './proc-stat';
import { buyerTokens, runWrk } from './wrk';

/** The bare node:http server (loadtest/baselines/bare-server.js) on `port`, stopped after `use`. */
async function onBareServer<T>(port: number, use: (url: string, pid: number) => Promise<T>): Promise<T> {
  const url = `http://127.0.0.1:${port}`;
  const server = await NodeProcess.launch({
    log: 'bench-bare',
    script: 'loadtest/baselines/bare-server.js',
    args: [String(port)],
    healthUrl: `${url}/health`,
  });
  try {
    return await use(url, server.pid);
  } finally {
    await server.stop();
  }
}

/** One wrk run of the spike's shape against the bare server: its digest and CPU µs per request. */
async function bareRun(config: AppConfig, url: string, pid: number, buyers: number, connections: number) {
  const cpuBefore = cpuMs(pid);
  const bare = await runWrk({
    name: 'bench-bare',
    baseUrl: url,
    path: '/api/seckill/1',
    tokens: buyerTokens(`bare-${Date.now()}`, buyers, config.JWT_SECRET),
    connections,
  });
  const cpuAfter = cpuMs(pid);
  const cpuPerRequestUs =
    cpuBefore === null || cpuAfter === null || bare.requests === 0
      ? null
      : Math.round(((cpuAfter - cpuBefore) * 1000) / bare.requests);
  return { bare, cpuPerRequestUs };
}

/**
 * The ceiling: the bare server, first loaded by each load generator in turn (their CPU per request), then
 * by wrk with the spike's shape (every ratio's "bare").
 */
export function measureBare(
  config: AppConfig,
  shape: { port: number; generatorRequests: number; buyers: number; connections: number },
) {
  return onBareServer(shape.port, async (url, pid) => {
    console.log('bench: load generators, CPU per request against the bare server');
    const tokens = buyerTokens(`gen-${Date.now()}`, shape.generatorRequests, config.JWT_SECRET);
    const generators = await compareGenerators(url, tokens, 100);
    const { bare } = await bareRun(config, url, pid, shape.buyers, shape.connections);
    return { generators, bare };
  });
}

/** The bare server's CPU µs per request, `runs` wrk runs of the spike's shape on one process. */
export function bareCpuRuns(
  config: AppConfig,
  shape: { port: number; buyers: number; connections: number; runs: number },
): Promise<(number | null)[]> {
  return onBareServer(shape.port, async (url, pid) => {
    const runs: (number | null)[] = [];
    for (let i = 0; i < shape.runs; i++)
      runs.push((await bareRun(config, url, pid, shape.buyers, shape.connections)).cpuPerRequestUs);
    return runs;
  });
}
