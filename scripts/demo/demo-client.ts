import { signBuyerToken } from '@app/auth';
import { AppConfig } from '@app/config';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** The demo's HTTP side: an admin and many buyers, talking to the gateway and the order-service. */
export class DemoClient {
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly config: AppConfig,
    readonly gatewayUrl: string,
    readonly orderServiceUrl: string,
  ) {}

  async createActivity(stock: number, payTimeoutSeconds: number): Promise<{ id: number }> {
    const now = Date.now();
    const { status, body } = await this.call<{ id: number }>(
      `${this.gatewayUrl}/api/activities`,
      'POST',
      this.config.ADMIN_TOKEN,
      {
        name: `demo sale ${new Date(now).toISOString().slice(11, 19)}`,
        stock,
        startsAt: new Date(now - 1_000).toISOString(),
        endsAt: new Date(now + 600_000).toISOString(),
        perUserLimit: 1,
        payTimeoutSeconds,
      },
    );
    if (status !== 201) throw new Error(`could not create the activity: ${status} ${JSON.stringify(body)}`);
    return body;
  }

  purchase(activityId: number, buyer: string): Promise<Answer<{ orderId?: string; code?: string }>> {
    return this.call(`${this.gatewayUrl}/api/seckill/${activityId}`, 'POST', this.token(buyer), {
      quantity: 1,
    });
  }

  pay(orderId: string, buyer: string): Promise<Answer<{ status?: string; code?: string }>> {
    return this.call(`${this.orderServiceUrl}/api/orders/${orderId}/pay`, 'POST', this.token(buyer));
  }

  order(orderId: string, buyer: string): Promise<Answer<{ status?: string; expiresAt?: string }>> {
    return this.call(`${this.orderServiceUrl}/api/orders/${orderId}`, 'GET', this.token(buyer));
  }

  private token(buyer: string): string {
    let token = this.tokens.get(buyer);
    if (!token) this.tokens.set(buyer, (token = signBuyerToken(buyer, this.config.JWT_SECRET)));
    return token;
  }

  private async call<T>(url: string, method: string, bearer: string, body?: unknown): Promise<Answer<T>> {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  }
}
