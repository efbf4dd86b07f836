/**
 * A small client for toxiproxy's HTTP API (https://github.com/Shopify/toxiproxy), the TCP proxy the chaos
 * suite and the benchmark put between the services and Redis / Kafka / PostgreSQL to cut, stall or slow
 * their connections. The server binary comes from `bash scripts/infra.sh toxiproxy`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Which way the toxic acts: `downstream` is the server's replies, `upstream` the client's requests. */
export type ToxicStream = 'upstream' | 'downstream';

export type Toxic =
  /** Every chunk is held `latency` ms (± `jitter`). */
  | { type: 'latency'; attributes: { latency: number; jitter?: number } }
  /** After `timeout` ms the connection is reset (RST); data on the toxic's stream is dropped meanwhile. */
  | { type: 'reset_peer'; attributes: { timeout: number } }
  /** Data on the stream is dropped; after `timeout` ms (0: never) the connection is closed. */
  | { type: 'timeout'; attributes: { timeout: number } };

export interface ProxySpec {
  name: string;
  /** host:port toxiproxy listens on. */
  listen: string;
  /** host:port it forwards to. */
  upstream: string;
}

export class Toxiproxy {
  constructor(readonly apiUrl: string) {}

  /** Creates the proxy, or replaces one of the same name left by an earlier run. */
  async createProxy(spec: ProxySpec): Promise<void> {
    await this.call('DELETE', `/proxies/${spec.name}`, undefined, [404]);
    await this.call('POST', '/proxies', { ...spec, enabled: true });
  }

  async deleteProxy(name: string): Promise<void> {
    await this.call('DELETE', `/proxies/${name}`, undefined, [404]);
  }

  /** A disabled proxy refuses new connections and closes the open ones: the dependency is unreachable. */
  async setEnabled(proxy: string, enabled: boolean): Promise<void> {
    await this.call('POST', `/proxies/${proxy}`, { enabled });
  }

  /** Adds a toxic to every connection of the proxy, open ones included; returns its name. */
  async addToxic(
    proxy: string,
    toxic: Toxic & { name?: string; stream?: ToxicStream; toxicity?: number },
  ): Promise<string> {
    const name = toxic.name ?? `${toxic.type}_${toxic.stream ?? 'downstream'}`;
    await this.call('POST', `/proxies/${proxy}/toxics`, {
      stream: 'downstream',
      toxicity: 1,
      ...toxic,
      name,
    });
    return name;
  }

  async removeToxic(proxy: string, name: string): Promise<void> {
    await this.call('DELETE', `/proxies/${proxy}/toxics/${name}`, undefined, [404]);
  }

  /** Every proxy enabled again and every toxic removed. */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  async isUp(): Promise<boolean> {
    return fetch(`${this.apiUrl}/version`).then(
      (res) => res.ok,
      () => false,
    );
  }

  private async call(method: string, path: string, body?: unknown, tolerated: number[] = []): Promise<void> {
    const res = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok && !tolerated.includes(res.status))
      throw new Error(`toxiproxy ${method} ${path}: ${res.status} ${await res.text()}`);
  }
}

/**
 * Starts toxiproxy-server on 127.0.0.1:`apiPort` (building it once if needed) and waits until it answers.
 * @returns the client and a `stop` that ends exactly that process
 */
export async function startToxiproxy(apiPort: number): Promise<{ client: Toxiproxy; stop: () => void }> {
  const root = join(__dirname, '../..').replace(/\/dist$/, '');
  const found = spawnSync('bash', [join(root, 'scripts/infra.sh'), 'toxiproxy'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (found.status !== 0) throw new Error('scripts/infra.sh toxiproxy failed');
  const child = spawn(found.stdout.trim(), ['-host', '127.0.0.1', '-port', String(apiPort)], {
    stdio: 'ignore',
  });
  const client = new Toxiproxy(`http://127.0.0.1:${apiPort}`);
  const stop = () => void child.kill('SIGTERM');
  for (const deadline = Date.now() + 10_000; !(await client.isUp());) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(`toxiproxy-server did not answer on :${apiPort}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { client, stop };
}
