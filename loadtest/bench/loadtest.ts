// `npm run loadtest -- <scenario> [-e NAME=value …]`: one load scenario (loadtest/bench/scenarios) driving wrk
// against the purchase path — the services on their configured ports if they answer there, else started
// for the run and stopped after — then reconcile on every activity it sold. Exit 1 when a threshold or an
// invariant broke. Writes bench-results/<scenario>-summary.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { loadConfig } from '@app/config';
import { SeckillApi } from '../../test/support/seckill-api';
import { reconcile } from './invariants';
import { RESULTS } from './paths';
import { payMix } from './scenarios/pay-mix';
import { Scenario } from './scenarios/scenario';
import { smoke } from './scenarios/smoke';
import { soak } from './scenarios/soak';
import { spike } from './scenarios/spike';
import { Stack, startStack } from './services';

const SCENARIOS: Record<string, Scenario> = { smoke, spike, soak, 'pay-mix': payMix };

/** `-e NAME=value` or `NAME=value` arguments. */
function knobs(args: string[]): Record<string, number> {
  const pairs = args.filter((a) => a !== '-e').map((a) => a.split('='));
  const out: Record<string, number> = {};
  for (const [name, value] of pairs) {
    const n = Number(value);
    if (!name || value === undefined || !Number.isFinite(n) || n < 0)
      throw new Error(`a knob is NAME=number ≥ 0, got "${name}=${value}"`);
    out[name] = n;
  }
  return out;
}

const healthy = (url: string) =>
  fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.ok,
    () => false,
  );

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  const scenario = SCENARIOS[name];
  if (!scenario)
    throw new Error(`usage: npm run loadtest -- ${Object.keys(SCENARIOS).join('|')} [-e NAME=value …]`);
  const given = knobs(rest);
  const config = loadConfig();
  const api = new SeckillApi(config);
  let stack: Stack | undefined;
  const running = await Promise.all([api.gateway, api.orderService, api.provider].map(healthy));
  if (running.every(Boolean))
    console.log(`loadtest: reusing the services on ${api.gateway}, ${api.orderService}, ${api.provider}`);
  else if (running.some(Boolean))
    throw new Error(
      `some of ${api.gateway}, ${api.orderService}, ${api.provider} (the payment provider) answer and some do not: start all or none`,
    );
  else {
    const ports = {
      gateway: config.GATEWAY_PORT,
      orderService: config.ORDER_SERVICE_PORT,
      cancelService: config.CANCEL_SERVICE_PORT,
    };
    stack = await startStack({ label: 'loadtest', ports, providerPort: config.PAYMENT_PROVIDER_PORT });
    console.log(`loadtest: started the services on ${api.gateway} (stopped at the end)`);
  }
  const redis = new Redis(config.REDIS_URL);
  try {
    const runId = `${name}-${Date.now()}`;
    const outcome = await scenario({
      config,
      api,
      redis,
      runId,
      knob: (k, fallback) => given[k] ?? fallback,
    });
    const verdicts = outcome.activityIds.map((id) => ({ activityId: id, ...reconcile(id) }));
    const checks = [
      ...outcome.checks,
      ...verdicts.map((v) => ({
        name: `reconcile activity ${v.activityId}`,
        ok: v.ok,
        detail: `oversold ${v.oversold}`,
      })),
    ];
    for (const r of outcome.runs)
      console.log(
        `loadtest: ${r.name}: ${r.requests} answers in ${r.windowS} s → ${r.rps} req/s; p50 ${r.latencyMs.p50} p95 ${r.latencyMs.p95} p99 ${r.latencyMs.p99} ms; ${Object.entries(
          r.outcomes,
        )
          .map(([c, k]) => `${c} ${k}`)
          .join(', ')}`,
      );
    for (const c of checks) console.log(`  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
    writeFileSync(
      join(RESULTS, `${name}-summary.json`),
      `${JSON.stringify({ scenario: name, runId, checks, runs: outcome.runs }, null, 2)}\n`,
    );
    const failed = checks.filter((c) => !c.ok).length;
    console.log(`loadtest: ${name} ${failed ? 'FAILED' : 'passed'}`);
    console.log(`loadtest: ${checks.length - failed} passed, ${failed} failed`);
    return failed ? 1 : 0;
  } finally {
    redis.disconnect();
    api.close();
    await stack?.stop();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`loadtest: ${err instanceof Error ? err.message : err}`);
    process.exitCode = 2;
  },
);
