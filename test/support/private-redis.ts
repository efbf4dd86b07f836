import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import Redis from 'ioredis';
import { eventually } from './eventually';

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A redis-server of a spec's own, on a free loopback port, no persistence: for what must not share the
 * suite's Redis (command counts, an evicting policy). Resolves once it answers PING.
 */
export class PrivateRedis {
  private constructor(
    private readonly server: ChildProcess,
    readonly url: string,
  ) {}

  static async start(...args: string[]): Promise<PrivateRedis> {
    const port = await freePort();
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...args],
      {
        stdio: 'ignore',
      },
    );
    let failed: Error | undefined;
    server.once('error', (err) => (failed = err));
    const redis = new PrivateRedis(server, `redis://127.0.0.1:${port}`);
    const probe = new Redis(redis.url, { retryStrategy: () => 50 });
    try {
      await eventually(() => {
        if (failed)
          throw new Error(
            `a spec's own redis-server did not start (apt-get install redis-server): ${failed.message}`,
          );
        return probe.ping();
      });
    } finally {
      probe.disconnect();
    }
    return redis;
  }

  stop(): void {
    this.server.kill();
  }
}
