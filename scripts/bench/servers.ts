import { ChildProcess, spawn } from 'node:child_process';
import { ROOT } from './k6';
import { join } from 'node:path';

/** A baseline server (loadtest/baselines/*.js) run only for its measurement, then stopped. */
export class BaselineServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(script: string, port: number): Promise<BaselineServer> {
    const url = `http://127.0.0.1:${port}`;
    if (await answers(`${url}/health`)) throw new Error(`${url} is already taken: cannot start ${script}`);
    const child = spawn(process.execPath, [join(ROOT, 'loadtest/baselines', script), String(port)], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const deadline = Date.now() + 15_000;
    while (!(await answers(`${url}/health`))) {
      if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`${script} did not answer on ${url} within 15 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return new BaselineServer(child, url);
  }

  async get<T>(path: string): Promise<T> {
    return (await fetch(`${this.url}${path}`)).json() as Promise<T>;
  }

  /** SIGTERM: the naive server drops its tables on the way out. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
    (r) => r.ok,
    () => false,
  );
