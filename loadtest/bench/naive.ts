import { AppConfig } from '@app/config';
import { SeckillApi } from '../../test/support/seckill-api';
import { naiveOversold } from './invariants';
import { LoadDigest } from './load-digest';
import { SaleShape } from './sale';
import { NodeProcess } from '../../test/support/node-process';
import { buyerTokens, runWrk } from './wrk';

export interface NaiveRun {
  activityId: number;
  digest: LoadDigest;
  oversold: number;
}

/**
 * The same sale against the naive design (loadtest/baselines/naive-server.js): one PostgreSQL transaction
 * per purchase, on `databaseUrl` (direct, or through the networked profile's proxy). Its own tables live
 * only while it runs; their count of sold items is read before it stops.
 */
export async function runNaive(
  config: AppConfig,
  port: number,
  databaseUrl: string,
  shape: SaleShape,
): Promise<NaiveRun> {
  const url = `http://127.0.0.1:${port}`;
  const server = await NodeProcess.launch({
    log: `bench-${shape.name}-server`,
    script: 'loadtest/baselines/naive-server.js',
    args: [String(port)],
    env: { DATABASE_URL: databaseUrl },
    healthUrl: `${url}/health`,
  });
  const api = new SeckillApi(config, { gateway: url });
  try {
    const runId = `${shape.name}-${Date.now()}`;
    const activityId = await api.createActivity({ name: `bench ${runId}`, stock: shape.stock });
    console.log(
      `bench: ${shape.name}: ${shape.buyers} buyers, stock ${shape.stock}, ${shape.connections} connections`,
    );
    const digest = await runWrk({
      name: `bench-${shape.name}`,
      baseUrl: url,
      path: `/api/seckill/${activityId}`,
      tokens: buyerTokens(runId, shape.buyers, config.JWT_SECRET),
      connections: shape.connections,
    });
    const sold = (await fetch(`${url}/api/activities/${activityId}`).then((r) => r.json())) as {
      initialStock: number;
      sold: number;
      stock: number;
    };
    return { activityId, digest, oversold: naiveOversold(sold) };
  } finally {
    api.close();
    await server.stop();
  }
}
