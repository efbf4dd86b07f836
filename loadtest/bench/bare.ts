import { AppConfig } from '@app/config';
import { compareGenerators } from './generators';
import { NodeProcess } from '../../test/support/node-process';
import { cpuMs } from './proc-stat';
import { buyerTokens, runWrk } from './wrk';

/**
 * The ceiling: the bare node:http server (loadtest/baselines/bare-server.js), first loaded by each load
 * generator in turn (their CPU per request), then by wrk with the spike's shape (every ratio's "bare").
 */
export async function measureBare(
  config: AppConfig,
  shape: { port: number; generatorRequests: number; buyers: number; connections: number },
) {
  const url = `http://127.0.0.1:${shape.port}`;
  const server = await NodeProcess.launch({
    log: 'bench-bare',
    script: 'loadtest/baselines/bare-server.js',
    args: [String(shape.port)],
    healthUrl: `${url}/health`,
  });
  try {
    console.log('bench: load generators, CPU per request against the bare server');
    const tokens = buyerTokens(`gen-${Date.now()}`, shape.generatorRequests, config.JWT_SECRET);
    const generators = await compareGenerators(url, tokens, 100);
    const cpuBefore = cpuMs(server.pid);
    const bare = await runWrk({
      name: 'bench-bare',
      baseUrl: url,
      path: '/api/seckill/1',
      tokens: buyerTokens(`bare-${Date.now()}`, shape.buyers, config.JWT_SECRET),
      connections: shape.connections,
    });
    const cpuAfter = cpuMs(server.pid);
    const cpuPerRequestUs =
      cpuBefore === null || cpuAfter === null || bare.requests === 0
        ? null
        : Math.round(((cpuAfter - cpuBefore) * 1000) / bare.requests);
    return { generators, bare, bareCpuPerRequestUs: cpuPerRequestUs };
  } finally {
    await server.stop();
  }
}
