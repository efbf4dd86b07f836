// Checks the brief's invariants 1–7 for one activity against Redis, PostgreSQL and the payment provider's
// statement (`npm run reconcile -- <id>`).
// Exit codes: 0 every invariant holds, 1 a breach (or never quiet within --settle), 2 usage error
// (bad arguments or unknown activity), 3 the checks could not run (Redis or PostgreSQL unreachable).
import 'reflect-metadata';
import {
  USAGE,
  UnknownActivityError,
  UsageError,
  formatReport,
  parseCliOptions,
  providerStatement,
  settleAndCheck,
} from '@app/reconcile';
import { withStores } from './stores';

async function main(): Promise<number> {
  const options = parseCliOptions(process.argv.slice(2));
  return withStores(async ({ config, redis, db }) => {
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
  });
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
