import { parseArgs } from 'node:util';
import { isActivityId } from '@app/contracts';
import { DEFAULT_GRACE_MS } from './check-invariants';

export const USAGE =
  'usage: npm run reconcile -- <activityId> [--settle <seconds>] [--grace <seconds>] [--json]';

export interface CliOptions {
  activityId: number;
  settleMs: number;
  graceMs: number;
  json: boolean;
}

/** A wrong invocation, told apart from a breach by its exit code (2). */
export class UsageError extends Error {}

/** Long enough for the services to finish after a load test; a quiet system is judged at once anyway. */
const DEFAULT_SETTLE_SECONDS = 30;

function milliseconds(value: string | undefined, fallbackMs: number, flag: string): number {
  if (value === undefined) return fallbackMs;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`--${flag} must be a number of seconds ≥ 0`);
  }
  return n * 1000;
}

export function parseCliOptions(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        settle: { type: 'string' },
        grace: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1) throw new UsageError('exactly one activity id is expected');
  const [id] = positionals;
  if (!isActivityId(id)) {
    throw new UsageError(`activity id must be a positive integer, got "${id}"`);
  }
  return {
    activityId: Number(id),
    settleMs: milliseconds(values.settle, DEFAULT_SETTLE_SECONDS * 1000, 'settle'),
    graceMs: milliseconds(values.grace, DEFAULT_GRACE_MS, 'grace'),
    json: values.json ?? false,
  };
}
