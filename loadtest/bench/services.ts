import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually } from '../../test/support/eventually';
import { ServiceName, ServiceProcess } from '../../test/support/service-process';
import { ROOT } from './paths';
import { ProcessGroups } from './proc-stat';

export interface StackSpec {
  /** names the logs and tells the profiles apart */
  label: string;
  ports: { gateway: number; orderService: number; cancelService: number };
  /** on top of the bench's own environment (REDIS_URL … through a proxy, for the networked profile) */
  env?: Record<string, string>;
  /** the gateway runs under node --cpu-prof, profiles in bench-results/prof */
  cpuProfile?: boolean;
  /** the payment provider too, on this port (the order-service is told of it, and it of the callbacks) */
  providerPort?: number;
  /** the database whose overdue orders must be cancelled before the stack is handed over */
  databaseUrl?: string;
}

export interface Stack {
  gateway: string;
  orderService: string;
  /** the payment provider's URL, when the spec asked for one */
  provider?: string;
  processes: ServiceProcess[];
  stop(): Promise<void>;
}

/**
 * The purchase path: gateway, order-service and cancel-service from dist/. The gateway's per-IP limit is
 * raised (RATE_LIMIT_IP_PER_SECOND, RATE_LIMIT_IP_BURST) because every bench buyer comes from 127.0.0.1;
 * it still runs, so its cost is measured. With `databaseUrl`, the stack is handed over once the orders an
 * earlier run left unpaid and overdue are cancelled: their cancellation is not the measured load.
 */
export async function startStack(spec: StackSpec): Promise<Stack> {
  const { ports } = spec;
  const env = {
    LOG_LEVEL: 'warn',
    GATEWAY_PORT: String(ports.gateway),
    ORDER_SERVICE_PORT: String(ports.orderService),
    CANCEL_SERVICE_PORT: String(ports.cancelService),
    RATE_LIMIT_IP_PER_SECOND: '1000000',
    RATE_LIMIT_IP_BURST: '10000000',
    ...(spec.providerPort
      ? {
          PAYMENT_PROVIDER_PORT: String(spec.providerPort),
          PAYMENT_PROVIDER_URL: `http://127.0.0.1:${spec.providerPort}`,
          PAYMENT_CALLBACK_URL: `http://127.0.0.1:${ports.orderService}/api/payments/callbacks`,
        }
      : {}),
    ...spec.env,
  };
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const service = (name: ServiceName, port: number, nodeArgs: string[] = []) =>
    ServiceProcess.start(name, env, port, {
      log: `bench-${spec.label}-${name}`,
      nodeArgs,
      readyWithinMs: 60_000,
    });
  const profile = spec.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench-results/prof')}`] : [];
  // BENCH_GATEWAY_NODE_ARGS: node flags of the gateway to try (`--max-semi-space-size=64 …`), space-separated.
  const gatewayArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const processes: ServiceProcess[] = [];
  const stop = async () => {
    for (const p of processes.reverse()) await p.stop();
  };
  try {
    if (spec.providerPort) processes.push(await service('payment-provider', spec.providerPort));
    processes.push(await service('order-service', ports.orderService));
    processes.push(await service('cancel-service', ports.cancelService));
    processes.push(await service('gateway', ports.gateway, [...gatewayArgs, ...profile]));
    if (spec.databaseUrl) await overdueCancelled(spec.databaseUrl);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    gateway: url(ports.gateway),
    orderService: url(ports.orderService),
    provider: spec.providerPort ? url(spec.providerPort) : undefined,
    processes,
    stop,
  };
}

/**
 * The unpaid orders of earlier bench runs (activities named `bench …`), due only 15 minutes after their
 * run: moved to overdue now, so that the first stack cancels them before anything is measured rather than
 * a measured run meeting them. Other activities' orders are left alone.
 */
export async function expireEarlierRuns(databaseUrl: string): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rowCount } = await db.query(
      `UPDATE orders SET expires_at = now() - interval '1 minute'
        WHERE status = 'PENDING' AND expires_at > now() - interval '1 minute'
          AND activity_id IN (SELECT id FROM activities WHERE name LIKE 'bench %')`,
    );
    if (rowCount) console.log(`bench: ${rowCount} unpaid orders of earlier runs made overdue`);
  } finally {
    await db.end();
  }
}

/** Waits until no order is unpaid past its deadline or cancelled without its stock back (bounded: 5 min). */
async function overdueCancelled(databaseUrl: string): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const overdue = async () => {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM orders WHERE (status = 'PENDING' AND expires_at < now() - interval '5 seconds')
           OR (status = 'CANCELLED' AND stock_released_at IS NULL)`,
      );
      return rows[0].n;
    };
    const before = await overdue();
    if (before === 0) return;
    console.log(`bench: ${before} overdue orders of earlier runs: waiting for their cancellation first`);
    await eventually('the overdue orders cancelled', async () => (await overdue()) === 0, {
      timeoutMs: 300_000,
      intervalMs: 500,
    });
  } finally {
    await db.end();
  }
}

/** The infrastructure's server processes (`scripts/infra.sh pids`: PostgreSQL's postmaster and backends). */
export function infraPids(name: 'redis' | 'postgres' | 'kafka'): number[] {
  try {
    const out = execFileSync('bash', [join(ROOT, 'scripts/infra.sh'), 'pids', name], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Every process one purchase's path runs on, by name: the stack's services and the infrastructure. */
export function pathProcesses(stack: Stack): () => ProcessGroups {
  const services = Object.fromEntries(stack.processes.map((p) => [p.name, [p.pid]]));
  return () => ({
    ...services,
    redis: infraPids('redis'),
    postgres: infraPids('postgres'),
    kafka: infraPids('kafka'),
  });
}
