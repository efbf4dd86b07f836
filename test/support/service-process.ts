import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './eventually';

const root = join(__dirname, '../..');
export type ServiceName = 'gateway' | 'order-service' | 'cancel-service';

/** Ports of the services that e2e tests start, apart from a stack a developer may have running on 3000–3002. */
// The fault suite sets E2E_PORT_BASE so that it can run beside the e2e suite.
const PORT_BASE = Number(process.env.E2E_PORT_BASE ?? 4000);
export const TEST_PORTS: Record<ServiceName, number> = {
  gateway: PORT_BASE,
  'order-service': PORT_BASE + 1,
  'cancel-service': PORT_BASE + 2,
};
const PORT_VARIABLE = {
  gateway: 'GATEWAY_PORT',
  'order-service': 'ORDER_SERVICE_PORT',
  'cancel-service': 'CANCEL_SERVICE_PORT',
};

/**
 * A real service process (from dist/, built by `npm test`), so tests can kill -9 it like a crash would.
 * Its log goes to .local/logs/e2e-<port base>-<name>.log.
 */
export class ServiceProcess {
  private exited: Promise<number | null>;

  private constructor(
    readonly name: ServiceName,
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** @param port another port than the name's TEST_PORTS one: a second instance of the same service */
  static async start(
    name: ServiceName,
    env: Record<string, string> = {},
    port = TEST_PORTS[name],
  ): Promise<ServiceProcess> {
    const url = `http://127.0.0.1:${port}`;
    const taken = await fetch(`${url}/health/live`).then(
      () => true,
      () => false,
    );
    if (taken) throw new Error(`${url} already answers: stop that ${name} before starting another one`);
    mkdirSync(join(root, '.local/logs'), { recursive: true });
    const logName = `e2e-${PORT_BASE}-${name}${port === TEST_PORTS[name] ? '' : `-${port}`}.log`;
    const log = openSync(join(root, `.local/logs/${logName}`), 'a');
    const child = spawn(process.execPath, [join(root, `dist/apps/${name}/src/main.js`)], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn', [PORT_VARIABLE[name]]: String(port), ...env },
      stdio: ['ignore', log, log],
    });
    const service = new ServiceProcess(name, child, port);
    let exitCode: number | null | undefined;
    void service.exited.then((code) => (exitCode = code));
    await eventually(
      async () => {
        if (exitCode !== undefined)
          throw new Error(`${name} exited with ${exitCode}; see .local/logs/${logName}`);
        const res = await fetch(`${service.url}/health`);
        return res.ok;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    ).catch(async (err) => {
      await service.kill();
      throw err;
    });
    return service;
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

  /** SIGKILL: no shutdown hook runs, in-flight work is simply lost — a crash. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGSTOP: frozen with its sockets open (a long GC pause, a stopped VM) until thaw(). */
  freeze(): void {
    this.child.kill('SIGSTOP');
  }

  /** SIGCONT: goes on where it stopped, its timers all overdue. */
  thaw(): void {
    this.child.kill('SIGCONT');
  }

  /** SIGTERM: graceful shutdown. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.thaw(); // a frozen process would never handle the SIGTERM
    this.child.kill('SIGTERM');
    await this.exited;
  }
}
