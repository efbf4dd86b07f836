import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './eventually';

/**
 * A second gateway process from dist/, beside the stack's, with its own environment — so a scenario can
 * kill -9 it without touching the stack. Its log goes to .local/logs/scenario-gateway.log.
 */
export class ExtraGateway {
  private readonly exited: Promise<void>;

  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(root: string, port: number, env: Record<string, string>): Promise<ExtraGateway> {
    const url = `http://127.0.0.1:${port}`;
    const taken = await fetch(`${url}/health/live`).then(
      () => true,
      () => false,
    );
    if (taken) throw new Error(`${url} already answers: port ${port} must be free for the extra gateway`);
    mkdirSync(join(root, '.local/logs'), { recursive: true });
    const log = openSync(join(root, '.local/logs/scenario-gateway.log'), 'a');
    const child = spawn(process.execPath, [join(root, 'dist/apps/gateway/src/main.js')], {
      cwd: root,
      env: { ...process.env, ...env, GATEWAY_PORT: String(port) },
      stdio: ['ignore', log, log],
    });
    const gateway = new ExtraGateway(url, child);
    try {
      await eventually(
        `the extra gateway on :${port} answering /health`,
        async () => {
          if (child.exitCode !== null) throw new Error(`it exited with ${child.exitCode}`);
          return (await fetch(`${url}/health`)).ok;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    } catch (err) {
      await gateway.kill();
      throw err;
    }
    return gateway;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGKILL: no shutdown hook runs, whatever it held in memory is gone — a crash. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
