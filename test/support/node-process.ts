import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './eventually';

// The checkout, from test/support under ts-jest as from dist/test/support when the tools run compiled.
const root = join(__dirname, '../..').replace(/\/dist$/, '');

export interface ProcessSpec {
  /** names the log, .local/logs/<log>.log */
  log: string;
  /** relative to the checkout, e.g. dist/apps/gateway/src/main.js */
  script: string;
  args?: string[];
  /** on top of this process's environment */
  env?: Record<string, string>;
  /** e.g. --cpu-prof */
  nodeArgs?: string[];
  /** answers 200 once the process is ready */
  healthUrl: string;
  readyWithinMs?: number;
}

/** Any HTTP answer, even an error: the port is taken. Bounded, as a frozen process never answers. */
const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    (res) => res,
    () => undefined,
  );

/**
 * A node process from the checkout (a service from dist/, a baseline server), started for a test, a
 * scenario or a measurement and stopped by its owner — by kill -9 when a crash is the point.
 */
export class NodeProcess {
  private readonly exited: Promise<void>;

  protected constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  static launch(spec: ProcessSpec): Promise<NodeProcess> {
    return NodeProcess.launchAs(spec, (child) => new NodeProcess(child));
  }

  /** Spawns the process and resolves once `healthUrl` answers 200; if it cannot, kills it and says why. */
  protected static async launchAs<P extends NodeProcess>(
    spec: ProcessSpec,
    wrap: (child: ChildProcess) => P,
  ): Promise<P> {
    if (await answers(spec.healthUrl))
      throw new Error(`${spec.healthUrl} already answers: stop that process before starting ${spec.log}`);
    mkdirSync(join(root, '.local/logs'), { recursive: true });
    const logFile = `.local/logs/${spec.log}.log`;
    const log = openSync(join(root, logFile), 'a');
    const child = spawn(
      process.execPath,
      [...(spec.nodeArgs ?? []), join(root, spec.script), ...(spec.args ?? [])],
      { cwd: root, env: { ...process.env, ...spec.env }, stdio: ['ignore', log, log] },
    );
    const started = wrap(child);
    const timeoutMs = spec.readyWithinMs ?? 30_000;
    await eventually(
      `${spec.log} answering ${spec.healthUrl}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`it exited with ${child.exitCode}; see ${logFile}`);
        return (await answers(spec.healthUrl))?.ok === true;
      },
      { timeoutMs, intervalMs: 100 },
    ).catch(async (err) => {
      await started.kill();
      throw err;
    });
    return started;
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

  /** SIGTERM, then wait: services drain their batches, the naive server drops its tables, --cpu-prof writes. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.thaw(); // a frozen process would never handle the SIGTERM
    this.child.kill('SIGTERM');
    await this.exited;
  }
}
