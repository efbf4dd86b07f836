import { ChildProcess } from 'node:child_process';
import { NodeProcess, ProcessSpec } from './node-process';
import { GATEWAY_NODE_FLAGS } from '../../apps/gateway/src/node-flags';

export type ServiceName = 'gateway' | 'order-service' | 'cancel-service' | 'payment-provider';

/** Ports of the services that e2e tests start, apart from a stack a developer may have running on 3000–3002. */
// The fault suite sets E2E_PORT_BASE so that it can run beside the e2e suite.
const PORT_BASE = Number(process.env.E2E_PORT_BASE ?? 4000);
export const TEST_PORTS: Record<ServiceName, number> = {
  gateway: PORT_BASE,
  'order-service': PORT_BASE + 1,
  'cancel-service': PORT_BASE + 2,
  'payment-provider': PORT_BASE + 3,
};
const PORT_VARIABLE = {
  gateway: 'GATEWAY_PORT',
  'order-service': 'ORDER_SERVICE_PORT',
  'cancel-service': 'CANCEL_SERVICE_PORT',
  'payment-provider': 'PAYMENT_PROVIDER_PORT',
};

/** What the services need to reach the provider started on its TEST_PORTS port (and it them). */
export const TEST_PAYMENT_ENV: Record<string, string> = {
  PAYMENT_PROVIDER_URL: `http://127.0.0.1:${PORT_BASE + 3}`,
  PAYMENT_CALLBACK_URL: `http://127.0.0.1:${PORT_BASE + 1}/api/payments/callbacks`,
};

/** How one instance is started besides its name, port and environment (the bench profiles the gateway). */
export type Launch = Partial<Pick<ProcessSpec, 'log' | 'nodeArgs' | 'readyWithinMs'>>;

/**
 * A real service process (from dist/, built by `npm test`), so tests can kill -9 it like a crash would.
 * Its log goes to .local/logs/e2e-<port base>-<name>.log unless told otherwise.
 */
export class ServiceProcess extends NodeProcess {
  private constructor(
    child: ChildProcess,
    readonly name: ServiceName,
    readonly port: number,
  ) {
    super(child);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** @param port another port than the name's TEST_PORTS one: a second instance of the same service */
  static start(
    name: ServiceName,
    env: Record<string, string> = {},
    port = TEST_PORTS[name],
    launch: Launch = {},
  ): Promise<ServiceProcess> {
    const log = `e2e-${PORT_BASE}-${name}${port === TEST_PORTS[name] ? '' : `-${port}`}`;
    const spec: ProcessSpec = {
      log,
      script: `dist/apps/${name}/src/main.js`,
      env: { LOG_LEVEL: 'warn', [PORT_VARIABLE[name]]: String(port), ...env },
      healthUrl: `http://127.0.0.1:${port}/health`,
      ...launch,
      nodeArgs: [...(name === 'gateway' ? GATEWAY_NODE_FLAGS : []), ...(launch.nodeArgs ?? [])],
    };
    return NodeProcess.launchAs(spec, (child) => new ServiceProcess(child, name, port));
  }

  /**
   * Starts several services; if one cannot start, stops the others before failing.
   * @param copies instances of each (the n-th on its TEST_PORTS port + 10·n), one round of names at a time
   */
  static async startAll(
    names: ServiceName[],
    env: Record<string, string> = {},
    copies = 1,
  ): Promise<ServiceProcess[]> {
    const started: PromiseSettledResult<ServiceProcess>[] = [];
    for (let n = 0; n < copies; n++) {
      const round = names.map((name) => ServiceProcess.start(name, env, TEST_PORTS[name] + 10 * n));
      started.push(...(await Promise.allSettled(round)));
    }
    const services = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      await Promise.all(services.map((s) => s.stop()));
      throw failure.reason;
    }
    return services;
  }
}
