import { Module, Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Agent, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { signBuyerToken } from '@app/auth';
import { AppConfig, loadConfig } from '@app/config';
import { ServiceModule, createService } from '@app/http';
import { ActivitiesModule } from '../../apps/gateway/src/activities/activities.module';
import { BlacklistAdminModule } from '../../apps/gateway/src/risk/blacklist-admin.module';
import { SeckillModule } from '../../apps/gateway/src/seckill/seckill.module';
import { ActivityInput, activityBody } from './api';

/** The gateway's purchase path and admin API (its other modules, such as the dashboard, play no part here). */
@Module({
  imports: [ServiceModule.forRoot('gateway'), ActivitiesModule, BlacklistAdminModule, SeckillModule],
})
class RiskGatewayModule {}

/**
 * In-process services for the specs. A purchase goes over a real socket, as real traffic does, so the hot
 * route (node:http, ahead of Fastify) serves it; a request that must come from another client address goes
 * through `inject` instead (a socket cannot speak from an address this machine does not have), and so
 * does every other call: those are served by the Fastify routes, which the paths spec holds equal to the
 * hot route. Nothing here reads the configuration at import time: a spec sets the variables it tightens,
 * then starts its services.
 */
/** A few kept-alive connections, as a client or a proxy in front holds them: no TCP handshake per call. */
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

export class InProcessService {
  private listening?: Promise<number>;

  private constructor(readonly app: NestFastifyApplication) {}

  static async start(
    module: Type<unknown> = RiskGatewayModule,
    service = 'gateway',
  ): Promise<InProcessService> {
    const app = await createService(module, service);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return new InProcessService(app);
  }

  /** The port the service listens on (127.0.0.1), listening first if it does not yet. */
  port(): Promise<number> {
    this.listening ??= this.app
      .listen(0, '127.0.0.1')
      .then(() => (this.app.getHttpServer().address() as AddressInfo).port);
    return this.listening;
  }

  get<T>(token: Type<T> | symbol): T {
    return this.app.get(token);
  }

  close(): Promise<void> {
    return this.app.close();
  }

  async call<T = any>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    {
      payload,
      headers = {},
      ip = '127.0.0.1',
      socket = false,
    }: { payload?: unknown; headers?: Record<string, string>; ip?: string; socket?: boolean } = {},
  ): Promise<Reply<T>> {
    if (socket) return this.overSocket<T>(method, url, payload, headers);
    const res = await this.app.inject({
      method,
      url,
      remoteAddress: ip,
      headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
      payload: payload === undefined ? undefined : JSON.stringify(payload),
    });
    return { status: res.statusCode, body: (res.body ? res.json() : undefined) as T, headers: res.headers };
  }

  /** One request over a real socket to 127.0.0.1, with a JSON body of known length (as a buyer sends). */
  private async overSocket<T>(
    method: string,
    path: string,
    payload: unknown,
    headers: Record<string, string>,
  ): Promise<Reply<T>> {
    const port = await this.port();
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    const sent = body === undefined ? headers : { 'content-type': 'application/json', ...headers };
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers: sent, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode!,
            body: (text ? JSON.parse(text) : undefined) as T,
            headers: res.headers,
          });
        });
      });
      req.on('error', reject);
      if (body !== undefined) req.setHeader('content-length', Buffer.byteLength(body));
      req.end(body);
    });
  }

  admin<T = any>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<Reply<T>> {
    return this.call<T>(method, url, {
      payload,
      headers: { authorization: `Bearer ${config().ADMIN_TOKEN}` },
    });
  }

  /** The buyer's Authorization header. */
  buyerHeaders(userId: string): Record<string, string> {
    return { authorization: `Bearer ${signBuyerToken(userId, config().JWT_SECRET)}` };
  }

  /** A purchase over a socket (the hot route), or by `inject` from `ip` when one is given (the Fastify route). */
  purchase(
    activityId: number,
    userId: string,
    {
      ip,
      quantity = 1,
      headers = {},
    }: { ip?: string; quantity?: number; headers?: Record<string, string> } = {},
  ): Promise<Reply<{ orderId?: string; code?: string; details?: any }>> {
    return this.call('POST', `/api/seckill/${activityId}`, {
      payload: { quantity },
      headers: { authorization: `Bearer ${signBuyerToken(userId, config().JWT_SECRET)}`, ...headers },
      ip,
      socket: ip === undefined,
    });
  }

  /** Creates an activity, open now unless told otherwise. */
  async createActivity(input: ActivityInput): Promise<number> {
    const { status, body } = await this.admin<{ id: number }>(
      'POST',
      '/api/activities',
      activityBody({ name: 'risk spec', ...input }),
    );
    if (status !== 201) throw new Error(`activity not created: ${status} ${JSON.stringify(body)}`);
    return body.id;
  }

  /** The value of one Prometheus sample of /metrics (0 when absent). */
  async metric(name: string, labels: Record<string, string>): Promise<number> {
    const text = (await this.app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
      );
    return line ? Number(line.split(' ').pop()) : 0;
  }
}

const config = (): AppConfig => loadConfig();

/** Up to 250 distinct client addresses from 198.18.0.0/15 (reserved for benchmarks: never a real client). */
export function addresses(n: number, block = 0): string[] {
  if (n > 250) throw new Error('at most 250 addresses per block');
  return Array.from({ length: n }, (_, i) => `198.18.${block}.${i + 1}`);
}
