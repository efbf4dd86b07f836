import { join } from 'node:path';
import { ServiceName, ServiceProcess } from '../../test/support/service-process';
import { ROOT } from './paths';

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
 * it still runs, so its cost is measured.
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
  const processes: ServiceProcess[] = [];
  const stop = async () => {
    for (const p of processes.reverse()) await p.stop();
  };
  try {
    if (spec.providerPort) processes.push(await service('payment-provider', spec.providerPort));
    processes.push(await service('order-service', ports.orderService));
    processes.push(await service('cancel-service', ports.cancelService));
    processes.push(await service('gateway', ports.gateway, profile));
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
