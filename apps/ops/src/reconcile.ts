// Checks the brief's invariants 1–7 for one activity against Redis, PostgreSQL and the payment provider's
// statement (`npm run reconcile -- <id>`).
// Exit codes: 0 every invariant holds, 1 a breach (or never quiet within --settle), 2 usage error
// (bad arguments or unknown activity), 3 the checks could not run (Redis or PostgreSQL unreachable).
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { createDataSource } from '@app/database';
import { createRedisClient } from '@app/redis';
import {
  USAGE,
  UnknownActivityError,
  UsageError,
  formatReport,
  parseCliOptions,
  providerStatement,
  settleAndCheck,
} from '@app/reconcile';

async function main(): Promise<number> {
  const options = parseCliOptions(process.argv.slice(2));
  const config = loadConfig();
  // Fail fast when Redis is down: a checker that retries forever would hang the end of a test run.
  const redis = createRedisClient(config, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  // ioredis reports the cause (e.g. ECONNREFUSED) as an event and rejects connect() with a vaguer error.
  let cause: Error | undefined;
  redis.on('error', (err) => (cause = err));
  let db: DataSource | undefined;
  try {
    await redis.connect().catch((err) => {
      throw new Error(`redis: ${(cause ?? err).message}`);
    });
    db = await createDataSource(config).initialize();
    const { report, waitedMs } = await settleAndCheck(
      {
        redis,
        db,
        activityId: options.activityId,
        graceMs: options.graceMs,
        statement: providerStatement(config),
      },
      { settleMs: options.settleMs },
    );
    console.log(
      options.json ? JSON.stringify({ ...report, waitedMs }, null, 2) : formatReport(report, waitedMs),
    );
    return report.ok ? 0 : 1;
  } finally {
    await db?.destroy();
    await redis.quit().catch(() => redis.disconnect());
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    const usage = err instanceof UsageError || err instanceof UnknownActivityError;
    console.error(
      `reconcile: ${err instanceof Error ? err.message : err}${err instanceof UsageError ? `\n${USAGE}` : ''}`,
    );
    process.exitCode = usage ? 2 : 3;
  },
);
