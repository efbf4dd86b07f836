import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { signBuyerToken } from '@app/auth';
import { loadConfig } from '@app/config';
import { PAYMENT_SIGNATURE_HEADER, PaymentCallback, TOPICS, signPayload } from '@app/contracts';
import { createService } from '@app/http';
import { KAFKA } from '@app/kafka';
import { RedisService } from '@app/redis';
import { OrderServiceModule } from '../../apps/order-service/src/order-service.module';
import { PaymentProviderModule } from '../../apps/payment-provider/src/payment-provider.module';
import { CancelFixtures } from './cancel-fixtures';
import { freePort } from './private-redis';
import { TopicRecorder } from './topic-recorder';

export interface Answer<T = any> {
  status: number;
  body: T;
}

async function listening(module: unknown, service: string, port: number): Promise<NestFastifyApplication> {
  const app = await createService(module as never, service);
  await app.listen({ port, host: '127.0.0.1' });
  return app;
}

/**
 * The order-service and the payment provider in process, each listening on a free port and told of the
 * other (PAYMENT_PROVIDER_URL, PAYMENT_CALLBACK_URL), on the real PostgreSQL and Kafka; plus order
 * fixtures, a recorder of the order events, and the calls a buyer, the provider and a forger make.
 */
export class PaymentStack {
  private constructor(
    readonly orderService: NestFastifyApplication,
    readonly provider: NestFastifyApplication,
    readonly orderServiceUrl: string,
    readonly providerUrl: string,
    readonly fixtures: CancelFixtures,
    readonly events: TopicRecorder,
  ) {}

  /** Call before anything reads the configuration (it is read once per spec file). */
  static async start(env: Record<string, string> = {}): Promise<PaymentStack> {
    const [osPort, providerPort] = [await freePort(), await freePort()];
    Object.assign(process.env, {
      PAYMENT_PROVIDER_PORT: String(providerPort),
      PAYMENT_PROVIDER_URL: `http://127.0.0.1:${providerPort}`,
      PAYMENT_CALLBACK_URL: `http://127.0.0.1:${osPort}/api/payments/callbacks`,
      PAYMENT_CALLBACK_RETRY_BASE_MS: '100',
      PAYMENT_CALLBACK_RETRY_MAX_MS: '1000',
      PAYMENT_REFUND_RETRY_MS: '500',
      ...env,
    });
    const provider = await listening(PaymentProviderModule, 'payment-provider', providerPort);
    const orderService = await listening(OrderServiceModule, 'order-service', osPort);
    const fixtures = new CancelFixtures(orderService.get(DataSource), orderService.get(RedisService).client);
    const events = await TopicRecorder.start(orderService.get<Kafka>(KAFKA), TOPICS.orderEvents);
    return new PaymentStack(
      orderService,
      provider,
      `http://127.0.0.1:${osPort}`,
      `http://127.0.0.1:${providerPort}`,
      fixtures,
      events,
    );
  }

  get db(): DataSource {
    return this.orderService.get(DataSource);
  }

  /** The services close even when the clean-up fails: left running, they would work on in later specs. */
  async close(): Promise<void> {
    try {
      await this.events?.stop();
      await this.db.query(
        `DELETE FROM payments WHERE order_id IN (SELECT id::text FROM orders WHERE activity_id = ANY($1))`,
        [this.fixtures.activityIds],
      );
      await this.fixtures?.cleanup();
    } finally {
      await this.orderService?.close();
      await this.provider?.close();
    }
  }

  // The buyer.
  startPayment(orderId: string, userId: string, attempt?: string): Promise<Answer> {
    return this.http(`${this.orderServiceUrl}/api/orders/${orderId}/payments`, 'POST', {
      authorization: `Bearer ${signBuyerToken(userId, loadConfig().JWT_SECRET)}`,
      ...(attempt ? { 'idempotency-key': attempt } : {}),
    });
  }

  order(orderId: string, userId: string): Promise<Answer> {
    return this.http(`${this.orderServiceUrl}/api/orders/${orderId}`, 'GET', {
      authorization: `Bearer ${signBuyerToken(userId, loadConfig().JWT_SECRET)}`,
    });
  }

  /** The buyer's step at the provider: the bank says yes (or no). */
  complete(payment: { paymentId: string; clientSecret: string }, outcome: 'succeed' | 'fail' = 'succeed') {
    return this.http(
      `${this.providerUrl}/v1/payments/${payment.paymentId}/complete`,
      'POST',
      {},
      {
        clientSecret: payment.clientSecret,
        outcome,
      },
    );
  }

  // The provider, as its merchant sees it.
  switches(change: Record<string, unknown>): Promise<Answer> {
    return this.http(`${this.providerUrl}/v1/test/switches`, 'POST', this.apiKey(), change);
  }

  resetSwitches(): Promise<Answer> {
    return this.http(`${this.providerUrl}/v1/test/switches/reset`, 'POST', this.apiKey());
  }

  async statementOf(paymentId: string): Promise<{ status: string; refunds: { id: string }[] } | undefined> {
    const { body } = await this.http(`${this.providerUrl}/v1/statement`, 'GET', this.apiKey());
    return body.payments.find((p: { id: string }) => p.id === paymentId);
  }

  /** A payment made at the provider directly (not through the shop), for `reference`. */
  providerPayment(reference: string): Promise<Answer> {
    return this.http(
      `${this.providerUrl}/v1/payments`,
      'POST',
      { ...this.apiKey(), 'idempotency-key': randomUUID() },
      { amount: 9_900, currency: 'CNY', reference, callbackUrl: loadConfig().PAYMENT_CALLBACK_URL },
    );
  }

  // Anyone posting to the callback route: signed as the provider signs, or not.
  callback(
    event: PaymentCallback,
    {
      secret = loadConfig().PAYMENT_WEBHOOK_SECRET,
      at = Math.floor(Date.now() / 1000),
      signature,
    }: {
      secret?: string;
      at?: number;
      signature?: string;
    } = {},
  ): Promise<Answer> {
    const raw = JSON.stringify(event);
    return this.http(
      `${this.orderServiceUrl}/api/payments/callbacks`,
      'POST',
      { [PAYMENT_SIGNATURE_HEADER]: signature ?? signPayload(secret, raw, at) },
      raw,
    );
  }

  // The shop's records.
  payments(orderId: string): Promise<{ id: string; status: string; refund_reason: string | null }[]> {
    return this.db.query(
      'SELECT id, status, refund_reason FROM payments WHERE order_id = $1 ORDER BY created_at, id',
      [orderId],
    );
  }

  async orderRow(orderId: string): Promise<{ status: string; payment_id: string | null }> {
    const [row] = await this.db.query('SELECT status, payment_id FROM orders WHERE id = $1', [orderId]);
    return row;
  }

  eventTypes(orderId: string): string[] {
    return this.events.withKey(orderId).map((m) => JSON.parse(m.value!.toString()).type);
  }

  private apiKey() {
    return { authorization: `Bearer ${loadConfig().PAYMENT_PROVIDER_API_KEY}` };
  }

  private async http(
    url: string,
    method: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<Answer> {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
}

/** A callback as the provider would send it, for a payment of `reference`. */
export function callbackEvent(
  type: PaymentCallback['type'],
  reference: string,
  paymentId = `pay_${randomUUID().replaceAll('-', '')}`,
): PaymentCallback {
  return {
    id: `evt_${randomUUID().replaceAll('-', '')}`,
    type,
    createdAt: Date.now(),
    data: { paymentId, reference, amount: 9_900, currency: 'CNY' },
  };
}
