import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActivity, purchase } from './api';
import { gatewayRedisUrl } from './chaos-faults';
import { ChaosFigures, judge } from './chaos-judge';
import {
  CHAOS_PROVIDER_ENV,
  CHAOS_PROVIDER_SWITCHES,
  ChaosPayers,
  chaosProviderConfig,
} from './chaos-payers';
import { spike } from './chaos-spike';
import { TestClients, range } from './clients';
import { record } from './faults';
import { SeckillApi } from './seckill-api';
import { fetchTransport } from './http-transport';
import { ServiceName, ServiceProcess, TEST_PAYMENT_ENV } from './service-process';
import { providerStatement } from '@app/reconcile';

const SERVICES: ServiceName[] = ['payment-provider', 'gateway', 'order-service', 'cancel-service'];
const WARM_UP = 200;
const envOf = (name: ServiceName): Record<string, string> => ({
  ...TEST_PAYMENT_ENV,
  ...(name === 'gateway' ? { REDIS_URL: gatewayRedisUrl() } : {}),
  ...(name === 'payment-provider' ? CHAOS_PROVIDER_ENV : {}),
});

/**
 * The services of the chaos profile, each restartable after a crash, and the payment provider the winners
 * pay at (never the fault itself: its callbacks come twice and late, in every case).
 */
export class ChaosStack {
  private constructor(private readonly services: Map<ServiceName, ServiceProcess>) {}

  /** Starts the services and warms them up with a small sale whose orders all appear (a cold gateway would
   * time out the first buyers of the first spike, whatever the fault). */
  static async start(clients: TestClients): Promise<ChaosStack> {
    const started = await Promise.all(SERVICES.map((name) => ServiceProcess.start(name, envOf(name))));
    const stack = new ChaosStack(new Map(started.map((s) => [s.name, s])));
    const provider = new SeckillApi(chaosProviderConfig(), { transport: fetchTransport });
    await provider.providerSwitches(CHAOS_PROVIDER_SWITCHES);
    const activity = await createActivity(stack.gateway, { name: 'chaos warm-up', stock: WARM_UP });
    const replies = await Promise.all(
      range(WARM_UP).map((i) => purchase(stack.gateway, activity.id, `warm-${activity.id}-${i}`)),
    );
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 202));
    await clients.expectReconciled(activity.id);
    return stack;
  }

  get gateway(): string {
    return this.services.get('gateway')!.url;
  }

  /** kill -9, then started again at once (as a supervisor would). */
  async crash(name: ServiceName): Promise<void> {
    await this.down(name);
    await this.up(name);
  }

  /** kill -9, and left down until `up` (while something else happens to the sale). */
  async down(name: ServiceName): Promise<void> {
    await this.services.get(name)!.kill();
  }

  /** Started again, with `env` on top of its own (e.g. a skewed clock; none: as it was). */
  async up(name: ServiceName, env: Record<string, string> = {}): Promise<void> {
    this.services.set(name, await ServiceProcess.start(name, { ...envOf(name), ...env }));
  }

  /** Stopped gracefully, then started again with `env` on top of its own (none: as it was). */
  async restartWith(name: ServiceName, env: Record<string, string>): Promise<void> {
    await this.services.get(name)!.stop();
    await this.up(name, env);
  }

  /** SIGSTOP for `ms`, then SIGCONT. */
  async freeze(name: ServiceName, ms: number): Promise<void> {
    const service = this.services.get(name)!;
    service.freeze();
    try {
      await new Promise((resolve) => setTimeout(resolve, ms));
    } finally {
      service.thaw();
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.services.values()].map((s) => s.stop()));
  }
}

export interface ChaosFault {
  name: string;
  /** injects the fault into the spike on `activity` and resolves once it is cleared */
  inject: (activity: { id: number; stock: number }) => Promise<void>;
  /** the share of the stock answered 202 when the fault starts (default 0.2: the sale goes on well past it) */
  at?: number;
  /** the gateway may lose Redis in this fault: 503 UNAVAILABLE is then a fair answer (else it is a breach) */
  redisImpaired?: boolean;
  /** Redis lost acknowledged writes: a 202 may end FAILED on /result (counted) instead of an order */
  allowFailed?: boolean;
  /** how long buyers wait before retrying (default 2 s) */
  patienceMs?: number;
  /** short for the cancel-service's faults: unpaid orders are cancelled and their stock sold again */
  payTimeoutSeconds?: number;
  /** the activity's stock in this many shards (decision 12) instead of one key */
  stockShards?: number;
}

/**
 * Samples the PENDING + PAID units of the activity in PostgreSQL while the spike runs: oversell must not
 * happen even for a moment (cancellations could hide one by the end). `stop` returns the most seen.
 */
function watchSold(clients: TestClients, activityId: number): { stop: () => Promise<number> } {
  let most = 0;
  let running = true;
  const sampling = (async () => {
    while (running) {
      const [{ sold }] = await clients.db
        .query(
          `SELECT coalesce(sum(quantity), 0)::int AS sold FROM orders WHERE activity_id = $1 AND status IN ('PENDING', 'PAID')`,
          [activityId],
        )
        .catch(() => [{ sold: 0 }]); // PostgreSQL may be the dependency that is down
      most = Math.max(most, sold);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await sampling;
      return most;
    },
  };
}

// Far more buyers than stock, arriving over 4 s. Unpaid orders outlive a case unless it says otherwise,
// so that at the end every sold unit is still a live order (conservation and oversell say something).
export const CHAOS_BUYERS = 2_000;
export const CHAOS_STOCK = 1_000;
const ARRIVALS_PER_SECOND = 500;
const PAY_TIMEOUT_SECONDS = 120;
const root = join(__dirname, '../..');

/**
 * One chaos case: a fresh activity, a spike with the fault in its middle, the whole history judged and
 * recorded (.local/chaos-results.jsonl; every attempt in .local/chaos-histories/), then asserted.
 */
export async function runChaos(
  stack: ChaosStack,
  clients: TestClients,
  fault: ChaosFault,
): Promise<ChaosFigures> {
  const activity = await createActivity(stack.gateway, {
    name: `chaos: ${fault.name}`,
    stock: CHAOS_STOCK,
    payTimeoutSeconds: fault.payTimeoutSeconds ?? PAY_TIMEOUT_SECONDS,
    ...(fault.stockShards ? { stockShards: fault.stockShards } : {}),
  });
  const sold = watchSold(clients, activity.id);
  const payers = new ChaosPayers(fault.payTimeoutSeconds ?? PAY_TIMEOUT_SECONDS);
  const history = await spike({
    gateway: stack.gateway,
    activityId: activity.id,
    buyers: CHAOS_BUYERS,
    arrivalsPerSecond: ARRIVALS_PER_SECOND,
    patienceMs: fault.patienceMs,
    faultAfterAccepted: Math.ceil(CHAOS_STOCK * (fault.at ?? 0.2)),
    fault: () => fault.inject(activity),
    onAccepted: payers.onAccepted,
  });
  const paid = await payers.settle();
  const figures = await judge(clients, {
    fault: fault.name,
    gateway: stack.gateway,
    activity,
    spike: history,
    allowFailed: fault.allowFailed ?? false,
    redisImpaired: fault.redisImpaired ?? false,
    maxSold: await sold.stop(),
    payers: paid,
    statement: providerStatement(chaosProviderConfig()),
  });
  mkdirSync(join(root, '.local/chaos-histories'), { recursive: true });
  const slug = fault.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  writeFileSync(join(root, `.local/chaos-histories/${slug}.json`), JSON.stringify({ activity, ...history }));
  record(figures, 'chaos-results.jsonl');
  expect(figures.breaches).toEqual([]);
  // The money was put to the test: some winners completed a payment at the provider.
  expect(paid.onTime + paid.twice + paid.late).toBeGreaterThan(0);
  return figures;
}
