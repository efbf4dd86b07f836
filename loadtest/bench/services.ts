import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths';

export interface ProcessSpec {
  /** names the log, .local/logs/bench-<name>.log */
  name: string;
  /** relative to the checkout, e.g. dist/apps/gateway/src/main.js */
  script: string;
  args?: string[];
  env?: Record<string, string>;
  /** e.g. --cpu-prof */
  nodeArgs?: string[];
  /** answers 200 once the process is ready */
  healthUrl: string;
}

/** A node process the bench starts for a measurement (a service or a baseline server) and stops after. */
export class NodeProcess {
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(spec: ProcessSpec): Promise<NodeProcess> {
    if (await answers(spec.healthUrl))
      throw new Error(`${spec.healthUrl} already answers: cannot start ${spec.name}`);
    mkdirSync(join(ROOT, '.local/logs'), { recursive: true });
    const log = openSync(join(ROOT, `.local/logs/bench-${spec.name}.log`), 'a');
    const child = spawn(
      process.execPath,
      [...(spec.nodeArgs ?? []), join(ROOT, spec.script), ...(spec.args ?? [])],
      {
        cwd: ROOT,
        env: { ...process.env, ...spec.env },
        stdio: ['ignore', log, log],
      },
    );
    const started = new NodeProcess(spec.name, child);
    const deadline = Date.now() + 60_000;
    while (!(await answers(spec.healthUrl))) {
      if (child.exitCode !== null)
        throw new Error(`${spec.name} exited with ${child.exitCode}: .local/logs/bench-${spec.name}.log`);
      if (Date.now() > deadline) {
        await started.stop();
        throw new Error(`${spec.name} did not answer ${spec.healthUrl} within 60 s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return started;
  }

  /** SIGTERM, then wait: services drain their batches, the naive server drops its tables, --cpu-prof writes. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }
}

const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.ok,
    () => false,
  );

export interface StackSpec {
  /** names the logs and tells the profiles apart */
  label: string;
  ports: { gateway: number; orderService: number; cancelService: number };
  /** on top of the bench's own environment (REDIS_URL … through a proxy, for the networked profile) */
  env?: Record<string, string>;
  /** the gateway runs under node --cpu-prof, profiles in bench-results/prof */
  cpuProfile?: boolean;
}

export interface Stack {
  gateway: string;
  orderService: string;
  processes: NodeProcess[];
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
    ...spec.env,
  };
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const service = (name: string, port: number, nodeArgs: string[] = []) =>
    NodeProcess.start({
      name: `${spec.label}-${name}`,
      script: `dist/apps/${name}/src/main.js`,
      env,
      nodeArgs,
      healthUrl: `${url(port)}/health`,
    });
  const profile = spec.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench-results/prof')}`] : [];
  const processes: NodeProcess[] = [];
  const stop = async () => {
    for (const p of processes.reverse()) await p.stop();
  };
  try {
    processes.push(await service('order-service', ports.orderService));
    processes.push(await service('cancel-service', ports.cancelService));
    processes.push(await service('gateway', ports.gateway, profile));
  } catch (err) {
    await stop();
    throw err;
  }
  return { gateway: url(ports.gateway), orderService: url(ports.orderService), processes, stop };
}
