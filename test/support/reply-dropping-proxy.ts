import { AddressInfo, Server, Socket, createConnection, createServer } from 'node:net';

/**
 * A TCP proxy in front of a real server that can lose one reply in flight: armed with a pattern, it lets
 * the next request containing it through to the server, then cuts the client's connection at the first
 * bytes of the answer instead of passing them on. The server did the work; the client never hears of it —
 * a connection lost at the worst moment, made deterministic. An EVALSHA answered NOSCRIPT ran nothing: that
 * answer passes, and the reply lost is the EVAL's that follows with the script's body.
 */
export class ReplyDroppingProxy {
  private armed?: string;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(targetPort: number): Promise<ReplyDroppingProxy> {
    const server = createServer();
    const proxy = new ReplyDroppingProxy(server);
    server.on('connection', (client) => proxy.pipe(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /**
   * A proxy in front of the Redis of REDIS_URL, which REDIS_URL then names: every service this process
   * configures afterwards reaches Redis through it.
   */
  static async inFrontOfRedis(): Promise<ReplyDroppingProxy> {
    const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const proxy = await ReplyDroppingProxy.start(Number(redisUrl.port || 6379));
    redisUrl.port = String(proxy.port);
    process.env.REDIS_URL = redisUrl.toString();
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The reply to the next request whose bytes contain `pattern` (case-insensitive) is lost. */
  dropNextReplyTo(pattern: string): void {
    this.armed = pattern.toLowerCase();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private pipe(client: Socket, targetPort: number): void {
    const upstream = createConnection(targetPort, '127.0.0.1');
    let dropping = false;
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (chunk) => {
      if (this.armed && chunk.toString('latin1').toLowerCase().includes(this.armed)) {
        this.armed = undefined;
        dropping = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!dropping) return void client.write(chunk);
      if (chunk.toString('latin1').startsWith('-NOSCRIPT')) {
        // The script did not run (Redis had not cached it): the body follows by EVAL, whose reply is lost.
        dropping = false;
        this.armed = 'eval';
        return void client.write(chunk);
      }
      client.destroy();
      upstream.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
