import { Agent, request } from 'node:http';
import { signBuyerToken, tokenPolicy } from '@app/auth';
import { AppConfig } from '@app/config';

/**
 * Keep-alive connections, at most this many at once, as a load generator uses them: a burst of 2,000
 * buyers then measures the gateway rather than 2,000 simultaneous TCP handshakes on one small machine.
 */
const MAX_SOCKETS = 256;

export interface Reply<T> {
  status: number;
  body: T;
}
export interface PurchaseAnswer {
  orderId?: string;
  status?: string;
  code?: string;
}
export interface OrderAnswer {
  id: string;
  status: 'PENDING' | 'PAID' | 'CANCELLED';
  expiresAt: string;
  code?: string;
}

/** The public HTTP API of the running stack, as a buyer and an admin call it (scenarios and the demo). */
export class SeckillApi {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  private readonly tokens = new Map<string, string>();
  readonly gateway: string;
  readonly orderService: string;
  readonly cancelService: string;

  /** `urls` overrides the local addresses, e.g. the compose service names for the demo container. */
  constructor(
    private readonly config: AppConfig,
    urls: { gateway?: string; orderService?: string } = {},
  ) {
    this.gateway = urls.gateway ?? `http://127.0.0.1:${config.GATEWAY_PORT}`;
    this.orderService = urls.orderService ?? `http://127.0.0.1:${config.ORDER_SERVICE_PORT}`;
    this.cancelService = `http://127.0.0.1:${config.CANCEL_SERVICE_PORT}`;
  }

  /** A fresh activity, open from a minute ago for an hour unless told otherwise (admin API); returns its id. */
  async createActivity(input: ActivityInput): Promise<number> {
    const { status, body } = await this.call<{ id: number }>(`${this.gateway}/api/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.config.ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: input.name,
        stock: input.stock,
        perUserLimit: 1,
        payTimeoutSeconds: input.payTimeoutSeconds ?? 900,
        startsAt: (input.startsAt ?? new Date(Date.now() - 60_000)).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        ...(input.purchaseToken ? { purchaseToken: true, challengeBits: input.challengeBits ?? 0 } : {}),
        ...(input.stockShards ? { stockShards: input.stockShards } : {}),
      }),
    });
    if (status !== 201) throw new Error(`activity not created: ${status} ${JSON.stringify(body)}`);
    return body.id;
  }

  purchase(
    activityId: number,
    userId: string,
    gateway = this.gateway,
    headers: Record<string, string> = {},
  ): Promise<Reply<PurchaseAnswer>> {
    return this.call(`${gateway}/api/seckill/${activityId}`, {
      method: 'POST',
      headers: { authorization: this.bearer(userId), 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ quantity: 1 }),
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

  /** Prometheus text of one service's `/metrics`. */
  async metrics(service: string): Promise<string> {
    const headers: Record<string, string> = this.config.OPS_TOKEN
      ? { authorization: `Bearer ${this.config.OPS_TOKEN}` }
      : {};
    const { status, text } = await this.send(`${service}/metrics`, { method: 'GET', headers });
    if (status !== 200) throw new Error(`${service}/metrics answered ${status}`);
    return text;
  }

  close(): void {
    this.agent.destroy();
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

  private async call<T>(url: string, init: Request): Promise<Reply<T>> {
    const { status, text } = await this.send(url, init);
    return { status, body: (text ? JSON.parse(text) : {}) as T };
  }

  private send(url: string, { method, headers, body }: Request): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

export interface ActivityInput {
  name: string;
  stock: number;
  payTimeoutSeconds?: number;
  startsAt?: Date;
  purchaseToken?: boolean;
  challengeBits?: number;
  stockShards?: number;
}

interface Request {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/** Sum of a metric's samples whose labels include `labels` (a counter is one sample per label set). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const wanted = Object.entries(labels).every(([k, v]) => (match[2] ?? '').includes(`${k}="${v}"`));
    if (wanted) sum += Number(match[3]);
  }
  return sum;
}
