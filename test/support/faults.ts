import { execFile, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisClient as Redis } from '@app/redis';
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

/** SIGSTOP (a frozen process: a GC pause, a stalled VM) or SIGCONT one dependency of the fault profile. */
export function signal(sig: 'SIGSTOP' | 'SIGCONT', dependency: 'redis' | 'kafka'): void {
  if (process.env.INFRA_PROFILE !== 'faults')
    throw new Error('fault tests run only through npm run test:faults');
  const pid = Number(readFileSync(join(root, `.local/faults/run/${dependency}.pid`), 'utf8').split('\n')[0]);
  process.kill(pid, sig);
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

/** Where the Redis of this profile keeps its append-only files (asked of Redis itself). */
export async function aofDir(redis: Pick<Redis, 'config'>): Promise<string> {
  const [, dir] = (await redis.config('GET', 'dir')) as string[];
  const [, name] = (await redis.config('GET', 'appenddirname')) as string[];
  return join(dir, name);
}

export interface FaultResult {
  fault: string;
  buyerSaw: string;
  accepted: number;
  lost: number;
  duplicated: number;
  oversold: number;
  /** 202s that ended FAILED on /result (only when Redis lost acknowledged writes) */
  failed?: number;
  recoveryMs: number;
}

/**
 * One row of docs/reliability.md, collected in .local/<file> (by default FAULT_RESULTS, else
 * fault-results.jsonl) and printed.
 */
export function record(result: FaultResult | object, file?: string): void {
  mkdirSync(join(root, '.local'), { recursive: true });
  const path = file ? join('.local', file) : (process.env.FAULT_RESULTS ?? '.local/fault-results.jsonl');
  appendFileSync(join(root, path), JSON.stringify(result) + '\n');
  process.stdout.write(`fault: ${JSON.stringify(result)}\n`);
}

export interface OrderTally {
  /** 202s without an order row */
  lost: number;
  /** purchases that became more than one order row: buyers with several rows (each buyer buys once here) */
  duplicated: number;
  /** order rows nobody was answered 202 for */
  extra: string[];
}

/**
 * Compares the order rows with the 202s. Order ids are primary keys, so a purchase written twice shows as
 * a second row with another id for the same buyer (a retry answered with a new order id, say), never as
 * a repeated id: duplicates are counted per buyer. The fault specs have every buyer buy at most once.
 */
export function tallyOrders(
  orders: { id: string; user_id: string }[],
  acceptedOrderIds: string[],
): OrderTally {
  const ids = new Set(orders.map((o) => o.id));
  const accepted = new Set(acceptedOrderIds);
  const rowsPerBuyer = new Map<string, number>();
  for (const o of orders) rowsPerBuyer.set(o.user_id, (rowsPerBuyer.get(o.user_id) ?? 0) + 1);
  return {
    lost: acceptedOrderIds.filter((id) => !ids.has(id)).length,
    duplicated: [...rowsPerBuyer.values()].filter((n) => n > 1).length,
    extra: orders.filter((o) => !accepted.has(o.id)).map((o) => o.id),
  };
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
  const { lost, duplicated, extra } = tallyOrders(await clients.orders(activityId), acceptedOrderIds);
  expect({ lost, duplicated, extra }).toEqual({ lost: 0, duplicated: 0, extra: [] });
  await clients.expectReconciled(activityId, timeoutMs);
  const [{ stock }] = await clients.db.query('SELECT stock FROM activities WHERE id = $1', [activityId]);
  const [{ sold }] = await clients.db.query(
    `SELECT coalesce(sum(quantity), 0)::int AS sold FROM orders WHERE activity_id = $1 AND status IN ('PENDING', 'PAID')`,
    [activityId],
  );
  return { lost, duplicated, oversold: Math.max(0, sold - stock) };
}
