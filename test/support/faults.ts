import { execFile, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestClients } from './clients';
import { eventually } from './eventually';

const root = join(__dirname, '../..');

export type Dependency = 'redis' | 'postgres' | 'kafka';

/** The fault and chaos suites break infrastructure of their own, never the one everything else uses. */
function infraArgs(args: string[]): string[] {
  if (process.env.INFRA_PROFILE !== 'faults' && process.env.INFRA_PROFILE !== 'chaos')
    throw new Error('fault tests run only through npm run test:faults or npm run test:chaos');
  return [join(root, 'scripts/infra.sh'), ...args];
}

/** Stops or starts one dependency of the fault profile (INFRA_PROFILE=faults, set by scripts/test-faults.sh). */
export function infra(action: 'stop' | 'start', dependency: Dependency): void {
  const result = spawnSync('bash', infraArgs([action, dependency]), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`infra ${action} ${dependency} failed: ${result.stderr}`);
}

/**
 * `scripts/infra.sh <args>` without blocking the event loop (a spike keeps running meanwhile).
 * @returns its stdout
 */
export function infraAsync(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', infraArgs(args), { encoding: 'utf8' }, (err, stdout, stderr) =>
      err ? reject(new Error(`infra ${args.join(' ')} failed: ${stderr}`)) : resolve(stdout),
    );
  });
}

export interface FaultResult {
  fault: string;
  buyerSaw: string;
  accepted: number;
  lost: number;
  duplicated: number;
  oversold: number;
  recoveryMs: number;
}

/** One row of docs/reliability.md, collected in .local/<file> (fault-results.jsonl by default) and printed. */
export function record(result: FaultResult | object, file = 'fault-results.jsonl'): void {
  mkdirSync(join(root, '.local'), { recursive: true });
  appendFileSync(join(root, '.local', file), JSON.stringify(result) + '\n');
  process.stdout.write(`fault: ${JSON.stringify(result)}\n`);
}

/**
 * Every 202 became exactly one order, nothing else became one, and reconcile holds.
 * @returns the figures of the check (lost and duplicated are then 0, oversold too)
 */
export async function expectEveryAcceptedOrdered(
  clients: TestClients,
  activityId: number,
  acceptedOrderIds: string[],
  timeoutMs = 60_000,
): Promise<{ lost: number; duplicated: number; oversold: number }> {
  await eventually(
    async () =>
      expect((await clients.orders(activityId)).length).toBeGreaterThanOrEqual(acceptedOrderIds.length),
    {
      timeoutMs,
      intervalMs: 200,
    },
  );
  const ids = (await clients.orders(activityId)).map((o) => o.id);
  const lost = acceptedOrderIds.filter((id) => !ids.includes(id)).length;
  const duplicated = ids.length - new Set(ids).size;
  expect({ lost, duplicated, extra: ids.filter((id) => !acceptedOrderIds.includes(id)) }).toEqual({
    lost: 0,
    duplicated: 0,
    extra: [],
  });
  await clients.expectReconciled(activityId, timeoutMs);
  const [{ stock }] = await clients.db.query('SELECT stock FROM activities WHERE id = $1', [activityId]);
  const [{ sold }] = await clients.db.query(
    `SELECT coalesce(sum(quantity), 0)::int AS sold FROM orders WHERE activity_id = $1 AND status IN ('PENDING', 'PAID')`,
    [activityId],
  );
  return { lost, duplicated, oversold: Math.max(0, sold - stock) };
}
