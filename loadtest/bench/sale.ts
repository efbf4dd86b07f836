import Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { SeckillApi } from '../../test/support/seckill-api';
import { eventually } from '../../test/support/eventually';
import { Drain, measureDrain } from './drain';
import { Verdict, reconcile } from './invariants';
import { LoadDigest } from './load-digest';
import { ProcessGroups, cpuMs, groupCpuMs, runQueueWaitMs } from './proc-stat';
import { buyerTokens, runWrk } from './wrk';

export interface SaleShape {
  name: string;
  buyers: number;
  stock: number;
  connections: number;
  /** requests/s (approximately open model); unset: closed, as fast as answered */
  rate?: number;
  /** sell the stock before the load, so that every answer is the gateway's in-process SOLD_OUT */
  soldOutFirst?: boolean;
  /** the gateway's pid: its CPU time from the first send to the last order row, per answer */
  gatewayPid?: number;
  /** the processes of the whole path, by name (read at the start and the end: PostgreSQL's backends come and go) */
  processes?: () => ProcessGroups;
}

export interface SaleRun {
  activityId: number;
  digest: LoadDigest;
  drain: Drain;
  verdict: Verdict;
  /** MEMORY USAGE of every key of the activity, summed, right after the burst */
  redisBytes: number;
  /** the gateway's CPU (user + system) per answer, µs, relay included (when its pid was given) */
  cpuPerRequestUs: number | null;
  /** the same, counted only up to the last answer (the relay's sends after it and the gateway's idle work left out) */
  cpuToLastAnswerUs: number | null;
  /** how long the gateway's main thread waited for a core, per second of the load (when its pid was given) */
  gatewayWaitedForCoreMsPerS: number | null;
  /** the longest the gateway's event loop was late during the load, ms (its /metrics, null if unread) */
  gatewayEventLoopLagMaxMs: number | null;
  /** each process group's CPU from the first send to the last order row, µs per answer (with `processes`) */
  cpuPerRequestUsByProcess: Record<string, number> | null;
}

/**
 * One sale on the purchase path: a fresh activity, `buyers` distinct buyers through wrk, then the wait
 * until every 202 is an order row (drain), the Redis memory the activity holds, and reconcile.
 */
export async function runSale(config: AppConfig, gateway: string, shape: SaleShape): Promise<SaleRun> {
  const api = new SeckillApi(config, { gateway });
  const runId = `${shape.name}-${Date.now()}`;
  try {
    const stock = shape.soldOutFirst ? 1 : shape.stock;
    const activityId = await api.createActivity({ name: `bench ${runId}`, stock });
    if (shape.soldOutFirst) await sellOut(api, activityId, runId);
    const tokens = buyerTokens(runId, shape.buyers, config.JWT_SECRET);
    console.log(
      `bench: ${shape.name}: ${shape.buyers} buyers, stock ${stock}, ${shape.connections} connections` +
        (shape.rate ? `, ${shape.rate}/s` : ''),
    );
    const cpuBefore = shape.gatewayPid ? cpuMs(shape.gatewayPid) : null;
    const groupsBefore = shape.processes ? groupCpuMs(shape.processes()) : null;
    const waitBefore = shape.gatewayPid ? runQueueWaitMs(shape.gatewayPid) : null;
    await eventLoopLagMaxMs(gateway); // read once to start its window: each read resets it
    const digest = await runWrk({
      name: `bench-${shape.name}`,
      baseUrl: gateway,
      path: `/api/seckill/${activityId}`,
      tokens,
      connections: shape.connections,
      rate: shape.rate,
    });
    const cpuAnswered = shape.gatewayPid ? cpuMs(shape.gatewayPid) : null;
    const waitAfter = shape.gatewayPid ? runQueueWaitMs(shape.gatewayPid) : null;
    const gatewayEventLoopLagMaxMs = await eventLoopLagMaxMs(gateway);
    const gatewayWaitedForCoreMsPerS =
      waitBefore === null || waitAfter === null || digest.windowS <= 0
        ? null
        : Math.round((waitAfter - waitBefore) / digest.windowS);
    const redisBytes = await activityMemory(config.REDIS_URL, activityId);
    const drain = await measureDrain(
      config.DATABASE_URL,
      activityId,
      digest.successes.count + (shape.soldOutFirst ? 1 : 0),
      digest.t0,
      digest.successes.lastMs ?? digest.t0,
    );
    // After the drain, so that the relay's sends of the admitted requests are counted with them.
    const cpuAfter = shape.gatewayPid ? cpuMs(shape.gatewayPid) : null;
    const groupsAfter = shape.processes ? groupCpuMs(shape.processes()) : null;
    const cpuPerRequestUsByProcess =
      groupsBefore && groupsAfter && digest.requests > 0
        ? Object.fromEntries(
            Object.entries(groupsAfter).map(([name, ms]) => [
              name,
              Math.max(0, Math.round(((ms - (groupsBefore[name] ?? 0)) * 1000) / digest.requests)),
            ]),
          )
        : null;
    const cpuToLastAnswerUs = perRequestUs(cpuBefore, cpuAnswered, digest.requests);
    const verdict = reconcile(activityId);
    return {
      activityId,
      digest,
      drain,
      verdict,
      redisBytes,
      cpuPerRequestUs: perRequestUs(cpuBefore, cpuAfter, digest.requests),
      cpuToLastAnswerUs,
      gatewayWaitedForCoreMsPerS,
      gatewayEventLoopLagMaxMs,
      cpuPerRequestUsByProcess,
    };
  } finally {
    api.close();
  }
}

/**
 * The longest delay of the gateway's event loop since the last read (prom-client's
 * nodejs_eventloop_lag_max_seconds, which each collection resets), ms; null when /metrics does not say.
 */
async function eventLoopLagMaxMs(gateway: string): Promise<number | null> {
  const text = await fetch(`${gateway}/metrics`).then(
    (res) => (res.ok ? res.text() : ''),
    () => '',
  );
  const line = text.split('\n').find((l) => l.startsWith('nodejs_eventloop_lag_max_seconds'));
  const seconds = line ? Number(line.split(' ').pop()) : NaN;
  return Number.isFinite(seconds) ? Math.round(seconds * 10_000) / 10 : null;
}

const perRequestUs = (before: number | null, after: number | null, requests: number) =>
  before === null || after === null || requests === 0
    ? null
    : Math.round(((after - before) * 1000) / requests);

/** The one item goes to a first buyer; then the gateway refuses from its sold-out flag (set by pub/sub). */
async function sellOut(api: SeckillApi, activityId: number, runId: string): Promise<void> {
  const first = await api.purchase(activityId, `${runId}-first`);
  if (first.status !== 202) throw new Error(`the first purchase was not admitted: ${JSON.stringify(first)}`);
  let probe = 0;
  await eventually('the gateway answering SOLD_OUT', async () => {
    const reply = await api.purchase(activityId, `${runId}-probe-${probe++}`);
    return reply.body.code === 'SOLD_OUT';
  });
}

/** Bytes Redis holds for one activity: every key with its hash tag (stock, reservations, buyers, limits…). */
export async function activityMemory(redisUrl: string, activityId: number): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    let bytes = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*{${activityId}}*`, 'COUNT', 1000);
      const sizes = await Promise.all(keys.map((k) => redis.memory('USAGE', k, 'SAMPLES', 0)));
      bytes += sizes.reduce<number>((a, b) => a + Number(b ?? 0), 0);
      cursor = next;
    } while (cursor !== '0');
    return bytes;
  } finally {
    redis.disconnect();
  }
}
