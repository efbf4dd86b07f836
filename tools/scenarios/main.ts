// `npm run scenario -- <name>|all [--update-docs]`: runs interview scenarios against the running stack
// (started or reused through scripts/stack.sh up, or `up --cluster` for a scenario of the cluster profile).
// --update-docs: the walkthrough's sample of each scenario that held is rewritten from this run.
// Exit codes: 0 every claim held, 1 one did not, 2 unknown scenario.
import 'reflect-metadata';
import { Kafka, logLevel } from 'kafkajs';
import { join } from 'node:path';
import { loadConfig } from '@app/config';
import { createDataSource } from '@app/database';
import { createRedisClient } from '@app/redis';
import { Scenario, ScenarioContext } from './scenario';
import { SCENARIOS } from './scenarios';
import { Narrator, seconds } from './support/narrator';
import { SeckillApi } from '../../test/support/seckill-api';
import { clusterEnv, stackUp } from './support/stack';
import { WALKTHROUGH, updateSamples } from './support/update-docs';

const root = join(__dirname, '../../..');

function usage(): string {
  const width = Math.max(...SCENARIOS.map((s) => s.name.length));
  return [
    'usage: npm run scenario -- <name> | all [--update-docs]',
    ...SCENARIOS.map(
      (s) => `  ${s.name.padEnd(width)}  ${s.claim}${s.profile ? ` [${s.profile} profile]` : ''}`,
    ),
    'Each one explains a topic of docs/walkthrough.md and exits non-zero when its claim does not hold;',
    '--update-docs rewrites the sample of each that held in docs/walkthrough.md from this run.',
  ].join('\n');
}

async function runOne(scenario: Scenario, base: Omit<ScenarioContext, 'out'>): Promise<Narrator> {
  console.log(`\n▶ ${scenario.name}: ${scenario.claim}`);
  const out = new Narrator();
  const started = Date.now();
  try {
    await scenario.run({ ...base, out });
  } catch (err) {
    out.check(false, `stopped: ${err instanceof Error ? err.message : String(err)}`);
  }
  const ok = out.failures.length === 0;
  console.log(
    `${ok ? '✓' : '✗'} ${scenario.name} ${ok ? 'holds' : 'FAILED'} (${seconds(Date.now() - started)})`,
  );
  return out;
}

async function main(): Promise<number> {
  const [name, ...flags] = process.argv.slice(2);
  const updateDocs = flags.includes('--update-docs');
  if (!name) {
    console.log(usage());
    return 0;
  }
  const unknown = flags.find((f) => f !== '--update-docs');
  if (unknown !== undefined) {
    console.error(`unknown option "${unknown}"\n${usage()}`);
    return 2;
  }
  // `all` is the single-node stack's; a cluster scenario needs the other stack, so it runs only by name.
  const chosen =
    name === 'all' ? SCENARIOS.filter((s) => !s.profile) : SCENARIOS.filter((s) => s.name === name);
  if (chosen.length === 0) {
    console.error(`unknown scenario "${name}"\n${usage()}`);
    return 2;
  }
  const cluster = chosen.some((s) => s.profile === 'cluster');
  if (cluster) Object.assign(process.env, clusterEnv(root));
  console.log(stackUp(root, cluster));
  const config = loadConfig();
  const redis = createRedisClient(config);
  const db = await createDataSource(config).initialize();
  const kafka = new Kafka({
    clientId: 'scenarios',
    brokers: config.KAFKA_BROKERS,
    logLevel: logLevel.NOTHING,
  });
  const api = new SeckillApi(config);
  const results: [string, boolean][] = [];
  const outputs = new Map<string, readonly string[]>();
  try {
    for (const scenario of chosen) {
      const out = await runOne(scenario, { config, api, redis, db, kafka });
      results.push([scenario.name, out.failures.length === 0]);
      if (out.failures.length === 0) outputs.set(scenario.name, out.lines);
    }
  } finally {
    api.close();
    redis.disconnect();
    await db.destroy();
  }
  if (chosen.length > 1) {
    console.log(`\n${results.map(([n, ok]) => `${ok ? '✓' : '✗'} ${n}`).join('   ')}`);
  }
  if (updateDocs) {
    const updated = updateSamples(outputs);
    console.log(`${WALKTHROUGH}: samples rewritten from this run: ${updated.join(', ') || 'none'}`);
  }
  return results.every(([, ok]) => ok) ? 0 : 1;
}

main().then(
  // Exit explicitly: an HTTP keep-alive socket or a Kafka client still closing must not hold the verdict.
  (code) => process.exit(code),
  (err) => {
    console.error(`scenario: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
