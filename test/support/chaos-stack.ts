import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActivity } from './api';
import { gatewayRedisUrl } from './chaos-faults';
import { ChaosFigures, judge } from './chaos-judge';
import { spike } from './chaos-spike';
import { TestClients } from './clients';
import { record } from './faults';
import { ServiceName, ServiceProcess } from './service-process';

const SERVICES: ServiceName[] = ['gateway', 'order-service', 'cancel-service'];
const envOf = (name: ServiceName): Record<string, string> =>
  name === 'gateway' ? { REDIS_URL: gatewayRedisUrl() } : {};

/** The three services of the chaos profile, each restartable after a crash. */
export class ChaosStack {
  private constructor(private readonly services: Map<ServiceName, ServiceProcess>) {}

  static async start(): Promise<ChaosStack> {
    const started = await Promise.all(SERVICES.map((name) => ServiceProcess.start(name, envOf(name))));
    return new ChaosStack(new Map(started.map((s) => [s.name, s])));
  }

  get gateway(): string {
    return this.services.get('gateway')!.url;
  }

  /** kill -9, then started again at once (as a supervisor would). */
  async crash(name: ServiceName): Promise<void> {
    await this.services.get(name)!.kill();
    this.services.set(name, await ServiceProcess.start(name, envOf(name)));
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
  /** the share of the spike's buyers arrived when the fault starts (default 0.3) */
  at?: number;
  /** Redis lost acknowledged writes: a 202 may end FAILED on /result (counted) instead of an order */
  allowFailed?: boolean;
}

// Far more buyers than stock; orders unpaid after PAY_TIMEOUT_SECONDS are cancelled and their stock sold
// again within the same spike, so the timeout path (cancel-service) runs under every fault too.
export const CHAOS_BUYERS = 2_000;
export const CHAOS_STOCK = 500;
const ARRIVALS_PER_SECOND = 1_000;
const PAY_TIMEOUT_SECONDS = 2;
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
    payTimeoutSeconds: PAY_TIMEOUT_SECONDS,
  });
  const history = await spike({
    gateway: stack.gateway,
    activityId: activity.id,
    buyers: CHAOS_BUYERS,
    arrivalsPerSecond: ARRIVALS_PER_SECOND,
    faultAt: fault.at ?? 0.3,
    fault: () => fault.inject(activity),
  });
  const figures = await judge(clients, {
    fault: fault.name,
    gateway: stack.gateway,
    activity,
    spike: history,
    allowFailed: fault.allowFailed ?? false,
  });
  mkdirSync(join(root, '.local/chaos-histories'), { recursive: true });
  const slug = fault.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  writeFileSync(join(root, `.local/chaos-histories/${slug}.json`), JSON.stringify({ activity, ...history }));
  record(figures, 'chaos-results.jsonl');
  expect(figures.breaches).toEqual([]);
  return figures;
}
