import type { WaitingRoomRules } from '@app/contracts';
import { signBuyerToken, tokenPolicy } from '@app/auth';
import { AppConfig } from '@app/config';
import { HttpRequest, HttpTransport, pooledTransport } from './http-transport';

export interface Reply<T = any> {
  status: number;
  body: T;
}
export interface PurchaseAnswer {
  orderId?: string;
  status?: string;
  code?: string;
  message?: string;
}
export interface OrderAnswer {
  id: string;
  status: 'PENDING' | 'PAID' | 'CANCELLED';
  expiresAt: string;
  code?: string;
  payments?: { id: string; status: string; refundReason: string | null }[];
}

/** The 201 of POST /api/orders/:id/payments. */
export interface StartedPayment {
  paymentId: string;
  orderId: string;
  status: string;
  amount: number;
  currency: string;
  clientSecret: string;
  completeUrl: string;
  payBy: string;
}

export interface StatementLine {
  id: string;
  reference: string;
  status: string;
  capturedAmount: number;
  refunds: { id: string; amount: number }[];
}

export interface ActivityInput {
  name?: string;
  stock: number;
  perUserLimit?: number;
  payTimeoutSeconds?: number;
  startsAt?: Date;
  endsAt?: Date;
  purchaseToken?: boolean;
  challengeBits?: number;
  stockShards?: number;
  /** a waiting room (apps/gateway/src/waiting-room); fields left out take their defaults */
  waitingRoom?: Partial<WaitingRoomRules>;
}

/** The waiting room's answer to a join or a poll (docs/openapi.yaml, QueueAnswer), or an error's code. */
export interface QueueReply {
  state?: 'WAITING' | 'ADMITTED' | 'SOLD_OUT' | 'EXPIRED';
  position?: number | null;
  etaSeconds?: number;
  pollAfterSeconds?: number;
  remainingStock?: number;
  ticket?: string;
  admissionToken?: string;
  code?: string;
}

/** The specs' pay window: short, so that a spec can watch a timeout. */
export const TEST_PAY_TIMEOUT_SECONDS = 60;

/** The admin API's body for `input`: open from a minute ago for an hour unless told otherwise. */
export function activityBody(input: ActivityInput): Record<string, unknown> {
  return {
    name: input.name ?? 'e2e sale',
    stock: input.stock,
    perUserLimit: input.perUserLimit ?? 1,
    payTimeoutSeconds: input.payTimeoutSeconds ?? TEST_PAY_TIMEOUT_SECONDS,
    startsAt: (input.startsAt ?? new Date(Date.now() - 60_000)).toISOString(),
    endsAt: (input.endsAt ?? new Date(Date.now() + 3_600_000)).toISOString(),
    ...(input.purchaseToken ? { purchaseToken: true, challengeBits: input.challengeBits ?? 0 } : {}),
    ...(input.stockShards ? { stockShards: input.stockShards } : {}),
    ...(input.waitingRoom ? { waitingRoom: input.waitingRoom } : {}),
  };
}

export interface ClientOptions {
  /** other addresses than the local ports of the configuration, e.g. compose's service names for the demo */
  gateway?: string;
  orderService?: string;
  provider?: string;
  /** pooled keep-alive connections unless told otherwise */
  transport?: HttpTransport;
  /** of the activities it creates: 15 minutes, as a sale gives its buyers, unless told otherwise */
  payTimeoutSeconds?: number;
}

/**
 * The public HTTP API of running services, as a buyer, an admin and a scraper call it: the specs (through
 * api.ts, over fetch), the scenarios, the demo and the bench (over pooled keep-alive connections).
 */
export class SeckillApi {
  private readonly tokens = new Map<string, string>();
  readonly gateway: string;
  readonly orderService: string;
  readonly cancelService: string;
  readonly provider: string;
  private readonly transport: HttpTransport;
  private readonly payTimeoutSeconds: number;

  constructor(
    private readonly config: AppConfig,
    options: ClientOptions = {},
  ) {
    this.gateway = options.gateway ?? `http://127.0.0.1:${config.GATEWAY_PORT}`;
    this.orderService = options.orderService ?? `http://127.0.0.1:${config.ORDER_SERVICE_PORT}`;
    this.cancelService = `http://127.0.0.1:${config.CANCEL_SERVICE_PORT}`;
    this.provider = options.provider ?? config.PAYMENT_PROVIDER_URL;
    this.transport = options.transport ?? pooledTransport();
    this.payTimeoutSeconds = options.payTimeoutSeconds ?? 900;
  }

  /** A fresh activity (admin API); returns its id. */
  async createActivity(input: ActivityInput): Promise<number> {
    const { status, body } = await this.call<{ id: number }>(`${this.gateway}/api/activities`, {
      method: 'POST',
      headers: this.admin(),
      body: JSON.stringify(
        activityBody({ ...input, payTimeoutSeconds: input.payTimeoutSeconds ?? this.payTimeoutSeconds }),
      ),
    });
    if (status !== 201) throw new Error(`activity not created: ${status} ${JSON.stringify(body)}`);
    return body.id;
  }

  purchase(
    activityId: number,
    userId: string,
    gateway = this.gateway,
    headers: Record<string, string> = {},
    { quantity = 1, signal }: { quantity?: number; signal?: AbortSignal } = {},
  ): Promise<Reply<PurchaseAnswer>> {
    return this.call(`${gateway}/api/seckill/${activityId}`, {
      method: 'POST',
      signal,
      headers: { authorization: this.bearer(userId), 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ quantity }),
    });
  }

  /** What the gateway says became of the buyer's purchase: QUEUED | CREATED | FAILED (with orderId) | NONE. */
  purchaseResult(activityId: number, userId: string): Promise<Reply<{ status: string; orderId?: string }>> {
    return this.call(`${this.gateway}/api/seckill/${activityId}/result`, {
      method: 'GET',
      headers: { authorization: this.bearer(userId) },
    });
  }

  /** Joins the activity's waiting room (the same place on every join): `ticket` is for the polls. */
  joinQueue(activityId: number, userId: string): Promise<Reply<QueueReply>> {
    return this.call(`${this.gateway}/api/seckill/${activityId}/queue`, {
      method: 'POST',
      headers: { authorization: this.bearer(userId), 'content-type': 'application/json' },
      body: '{}',
    });
  }

  /** Polls the buyer's place in the waiting room with the join's ticket. */
  pollQueue(activityId: number, userId: string, ticket: string): Promise<Reply<QueueReply>> {
    return this.call(`${this.gateway}/api/seckill/${activityId}/queue`, {
      method: 'GET',
      headers: { authorization: this.bearer(userId), 'queue-ticket': ticket },
    });
  }

  /** A step before the purchase in an activity with defences: `challenge` or `token` (see docs/openapi.yaml). */
  ask<T extends { code?: string }>(
    step: 'challenge' | 'token',
    activityId: number,
    userId: string,
    proof: { challenge?: string; solution?: string } = {},
  ): Promise<Reply<T>> {
    return this.call(`${this.gateway}/api/seckill/${activityId}/${step}`, {
      method: 'POST',
      headers: { authorization: this.bearer(userId), 'content-type': 'application/json' },
      body: JSON.stringify(proof),
    });
  }

  pay(orderId: string, userId: string): Promise<Reply<OrderAnswer>> {
    return this.call(`${this.orderService}/api/orders/${orderId}/pay`, {
      method: 'POST',
      headers: { authorization: this.bearer(userId) },
    });
  }

  order(orderId: string, userId: string): Promise<Reply<OrderAnswer>> {
    return this.call(`${this.orderService}/api/orders/${orderId}`, {
      method: 'GET',
      headers: { authorization: this.bearer(userId) },
    });
  }

  /** Starts paying an order at the provider (201: what the buyer needs to complete it). */
  startPayment(orderId: string, userId: string, attempt?: string): Promise<Reply<StartedPayment>> {
    return this.call(`${this.orderService}/api/orders/${orderId}/payments`, {
      method: 'POST',
      headers: { authorization: this.bearer(userId), ...(attempt ? { 'idempotency-key': attempt } : {}) },
    });
  }

  /** The buyer's step at the provider (what its payment page sends once the bank answered). */
  completePayment(payment: StartedPayment, outcome: 'succeed' | 'fail' = 'succeed'): Promise<Reply> {
    return this.call(payment.completeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientSecret: payment.clientSecret, outcome }),
    });
  }

  /** The provider's test switches (failPayments, duplicateCallbacks, …), or all off with `reset`. */
  async providerSwitches(change: Record<string, unknown> | 'reset'): Promise<void> {
    const reset = change === 'reset';
    const { status } = await this.call(`${this.provider}/v1/test/switches${reset ? '/reset' : ''}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.config.PAYMENT_PROVIDER_API_KEY}`,
        'content-type': 'application/json',
      },
      body: reset ? undefined : JSON.stringify(change),
    });
    if (status !== 200) throw new Error(`provider switches not set: ${status}`);
  }

  /** The provider's statement: each payment, what it captured and refunded. */
  async statement(): Promise<StatementLine[]> {
    const { status, body } = await this.call<{ payments: StatementLine[] }>(`${this.provider}/v1/statement`, {
      method: 'GET',
      headers: { authorization: `Bearer ${this.config.PAYMENT_PROVIDER_API_KEY}` },
    });
    if (status !== 200) throw new Error(`no statement: ${status}`);
    return body.payments;
  }

  /** Blacklists a user or an IP (admin API of this gateway). */
  async blacklist(kind: 'user' | 'ip', value: string): Promise<void> {
    const { status, body } = await this.call(`${this.gateway}/api/admin/blacklist`, {
      method: 'POST',
      headers: this.admin(),
      body: JSON.stringify({ kind, value, reason: 'test' }),
    });
    if (status !== 201) throw new Error(`not blacklisted: ${status} ${JSON.stringify(body)}`);
  }

  /** Prometheus text of one service's `/metrics`. */
  async metrics(service: string): Promise<string> {
    const headers: Record<string, string> = this.config.OPS_TOKEN
      ? { authorization: `Bearer ${this.config.OPS_TOKEN}` }
      : {};
    const { status, text } = await this.transport.send(`${service}/metrics`, { method: 'GET', headers });
    if (status !== 200) throw new Error(`${service}/metrics answered ${status}`);
    return text;
  }

  close(): void {
    this.transport.close();
  }

  /** Signs the buyers' tokens ahead, so a burst measures purchases rather than HMACs. */
  signIn(userIds: string[]): void {
    for (const userId of userIds) this.bearer(userId);
  }

  private bearer(userId: string): string {
    let token = this.tokens.get(userId);
    if (!token) {
      token = signBuyerToken(userId, this.config.JWT_SECRET, 600, tokenPolicy(this.config));
      this.tokens.set(userId, token);
    }
    return `Bearer ${token}`;
  }

  private admin(): Record<string, string> {
    return { authorization: `Bearer ${this.config.ADMIN_TOKEN}`, 'content-type': 'application/json' };
  }

  private async call<T>(url: string, req: HttpRequest): Promise<Reply<T>> {
    const { status, text } = await this.transport.send(url, req);
    return { status, body: (text ? JSON.parse(text) : undefined) as T };
  }
}
