import { Module, Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { signBuyerToken } from '@app/auth';
import { AppConfig, loadConfig } from '@app/config';
import { ServiceModule, createService } from '@app/http';
import { ActivitiesModule } from '../../apps/gateway/src/activities/activities.module';
import { BlacklistAdminModule } from '../../apps/gateway/src/risk/blacklist-admin.module';
import { SeckillModule } from '../../apps/gateway/src/seckill/seckill.module';
import { ActivityInput, activityBody } from './api';

/** The gateway's purchase path and admin API (its other modules, such as the dashboard, play no part here). */
@Module({ imports: [ServiceModule.forRoot('gateway'), ActivitiesModule, BlacklistAdminModule, SeckillModule] })
class RiskGatewayModule {}

/**
 * In-process services for the risk-control specs, driven with `inject` (which also sets the client's
 * address, so each spec can speak from as many IPs as it needs). Nothing here reads the configuration
 * at import time: a spec sets the variables it tightens, then starts its services.
 */
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

export class InProcessService {
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
    }: { payload?: unknown; headers?: Record<string, string>; ip?: string } = {},
  ): Promise<Reply<T>> {
    const res = await this.app.inject({
      method,
      url,
      remoteAddress: ip,
      headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
      payload: payload === undefined ? undefined : JSON.stringify(payload),
    });
    return { status: res.statusCode, body: (res.body ? res.json() : undefined) as T, headers: res.headers };
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
