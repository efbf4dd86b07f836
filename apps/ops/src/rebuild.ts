// Rebuilds one activity's Redis state from PostgreSQL, the ledger (`npm run rebuild -- <activityId>`):
// meta, buyers and reservation records from its orders, remaining = stock − live orders − requests in
// flight. Safe while the sale runs (see libs/stock/src/stock-rebuild.ts); the order-service does the same
// by itself when Redis lost an activity or restarted. Exit codes: 0 rebuilt, 2 usage error or unknown
// or finished activity, 3 Redis or PostgreSQL unreachable.
import 'reflect-metadata';
import { isActivityId } from '@app/contracts';
import { rebuildActivity } from '@app/stock';
import { withStores } from './stores';

const USAGE = 'usage: npm run rebuild -- <activityId>';

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  if (argv.length !== 1 || !isActivityId(argv[0])) {
    throw new UsageError(`one activity id (a positive integer) is expected\n${USAGE}`);
  }
  const activityId = Number(argv[0]);
  return withStores(async ({ redis, db }) => {
    const outcome = await rebuildActivity(db, redis, activityId);
    if (!outcome)
      throw new UsageError(`activity ${activityId} does not exist or is finished (its pay window is over)`);
    console.log(
      `activity ${activityId} rebuilt: remaining ${outcome.remaining} ` +
        `(${outcome.liveOrders} live orders and ${outcome.inFlight} requests in flight hold ${outcome.held}); ` +
        `rebuild #${outcome.rebuilds}`,
    );
    return 0;
  });
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`rebuild: ${err instanceof Error ? err.message : err}`);
    process.exitCode = err instanceof UsageError ? 2 : 3;
  },
);
