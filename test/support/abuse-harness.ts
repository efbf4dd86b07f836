import { Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { signBuyerToken } from '@app/auth';
import { AppConfig, loadConfig } from '@app/config';
import { createService } from '@app/http';
import { SELLING_ACTIVITIES_KEY } from '@app/stock';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { OrderServiceModule } from '../../apps/order-service/src/order-service.module';
import { UNKNOWN_ACTIVITY_IDS, takeSnapshot } from './abuse-snapshot';
import { AbuseTally } from './abuse-tally';
import { TestClients, dropActivityKeys } from './clients';
import { eventually } from './eventually';

export type Service = 'gateway' | 'orders';
export interface Refusal {
  status: number;
  code: string;
}

/** The refusals the abuse specs expect, each with its status and its stable code (docs/openapi.yaml). */
export const REFUSED = {
  INVALID: { status: 400, code: 'VALIDATION_FAILED' },
  BAD: { status: 400, code: 'BAD_REQUEST' },
  NOT_FOUND: { status: 404, code: 'NOT_FOUND' },
  TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  TOO_LONG: { status: 414, code: 'URI_TOO_LONG' },
  NOT_JSON: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
} satisfies Record<string, Refusal>;

export { UNKNOWN_ACTIVITY_IDS };

/**
 * The gateway and the order-service in-process (real Redis, PostgreSQL, Kafka), one open activity, and
 * one legitimate order (alice's, bought with an Idempotency-Key) for the abuse to aim at.
 * Every name this run creates starts with `abuse <run>`, so the checks ignore other tests' data.
 */
export class AbuseHarness {
  readonly config: AppConfig = loadConfig();
  readonly run = randomBytes(4).toString('hex');
  readonly prefix = `abuse ${this.run}`;
  readonly alice = `abuse-${this.run}-alice`;
  readonly aliceKey = `alice-${this.run}`;
  readonly tally: AbuseTally;
  activityId = 0;
  aliceOrderId = '';
  gateway!: NestFastifyApplication;
  orders!: NestFastifyApplication;
  clients!: TestClients;
  private users = 0;

  /** Names only (tests build their tables from them); `start()` does the I/O. */
  constructor(suite: string) {
    this.tally = new AbuseTally(suite);
  }

  async start(): Promise<void> {
    this.gateway = await boot(GatewayModule, 'gateway');
    this.orders = await boot(OrderServiceModule, 'order-service');
    this.clients = await TestClients.connect();
    await this.openSale();
  }

  async stop(): Promise<void> {
    await this.gateway?.close();
    await this.orders?.close();
    if (!this.clients) return;
    const ids: { id: number }[] = await this.clients.db.query(
      'SELECT id FROM activities WHERE name LIKE $1',
      [`${this.prefix}%`],
    );
    for (const { id } of ids) {
      await this.clients.db.query('DELETE FROM orders WHERE activity_id = $1', [id]);
      await this.clients.db.query('DELETE FROM activities WHERE id = $1', [id]);
      await dropActivityKeys(this.clients.redis, [id]);
      await this.clients.redis.zrem(SELLING_ACTIVITIES_KEY, id);
    }
    await this.clients.close();
    this.tally.report();
  }

  /** A buyer no other request of this run has used, so one refusal never causes the next. */
  freshUser(): string {
    return `abuse-${this.run}-${++this.users}`;
  }

  bearer(userId: string): string {
    return `Bearer ${signBuyerToken(userId, this.config.JWT_SECRET)}`;
  }

  get admin(): string {
    return `Bearer ${this.config.ADMIN_TOKEN}`;
  }

  /** A valid activity body, for tests that break one field of it. */
  activityBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      name: `${this.prefix} sale`,
      stock: 100,
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      perUserLimit: 1,
      payTimeoutSeconds: 3_600,
      ...overrides,
    };
  }

  /** Sends one bad input and counts it (accepted, or answered 5xx, are what must never happen). */
  async attempt(service: Service, request: InjectOptions): Promise<LightMyRequestResponse> {
    const res = await this.send(service, request);
    this.tally.record(res.statusCode);
    return res;
  }

  /** Sends a request that may be valid (property tests count only the inputs their oracle calls bad). */
  send(service: Service, request: InjectOptions): Promise<LightMyRequestResponse> {
    return (service === 'gateway' ? this.gateway : this.orders).inject(request);
  }

  /** Sends one bad input and expects it refused as `expected`, with nothing changed by it. */
  async expectRefusedUnchanged(service: Service, request: InjectOptions, expected: Refusal): Promise<void> {
    const before = await this.snapshot();
    expectRefusal(await this.attempt(service, request), expected);
    expect(await this.snapshot()).toEqual(before);
  }

  /** What abuse must leave untouched (see abuse-snapshot.ts). */
  snapshot(): Promise<Record<string, unknown>> {
    return takeSnapshot(this.clients, this.activityId, this.run);
  }

  /** Creates an open activity through the admin API (removed again by `stop()`). */
  async createActivity(overrides: Record<string, unknown> = {}): Promise<number> {
    const created = await this.gateway.inject({
      method: 'POST',
      url: '/api/activities',
      headers: { authorization: this.admin },
      payload: this.activityBody(overrides),
    });
    if (created.statusCode !== 201) throw new Error(`activity not created: ${created.body}`);
    return created.json().id;
  }

  private async openSale(): Promise<void> {
    this.activityId = await this.createActivity();
    const bought = await this.gateway.inject({
      method: 'POST',
      url: `/api/seckill/${this.activityId}`,
      headers: { authorization: this.bearer(this.alice), 'idempotency-key': this.aliceKey },
      payload: { quantity: 1 },
    });
    if (bought.statusCode !== 202) throw new Error(`alice's purchase failed: ${bought.body}`);
    this.aliceOrderId = bought.json().orderId;
    // Quiet before the first snapshot: the order is written and its reservation confirmed ('O').
    await eventually(
      async () => (await this.clients.reservation(this.activityId, this.aliceOrderId))?.state === 'O',
      { timeoutMs: 30_000 },
    );
  }
}

async function boot(module: Type<unknown>, service: string): Promise<NestFastifyApplication> {
  const app = await createService(module, service);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** The common error body: `{ code, message }` (plus `details` for validation), nothing else. */
export function expectRefusal(res: LightMyRequestResponse, expected: Refusal): void {
  const body = res.headers['content-type']?.toString().startsWith('application/json') ? res.json() : res.body;
  expect({ status: res.statusCode, code: body?.code }).toEqual(expected);
  expect(typeof body.message === 'string' && body.message.length > 0).toBe(true);
  expect(Object.keys(body).filter((key) => !['code', 'message', 'details'].includes(key))).toEqual([]);
}
