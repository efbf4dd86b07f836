import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppError } from '@app/common';
import { Statement, refundKeyOf, statementSchema } from '@app/contracts';

/** The provider's answer to a new payment: what the buyer needs to complete it. */
export interface ProviderPaymentAnswer {
  id: string;
  status: string;
  amount: number;
  currency: string;
  clientSecret: string;
  completeUrl: string;
}

export interface ProviderRefundAnswer {
  id: string;
  paymentId: string;
  amount: number;
  status: string;
}

/** The provider is unreachable, slow or failing: nothing was changed on the shop's side. */
export const providerUnavailable = (why: string) =>
  new AppError(
    'PAYMENT_PROVIDER_UNAVAILABLE',
    503,
    `the payment provider is unavailable (${why}); nothing was changed, retry later`,
  );

/** The provider's API, as a merchant calls it: the API key, an idempotency key on every creating call. */
@Injectable()
export class PaymentProviderClient {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  createPayment(
    idempotencyKey: string,
    input: { amount: number; currency: string; reference: string; description: string },
  ): Promise<ProviderPaymentAnswer> {
    const body = { ...input, callbackUrl: this.config.PAYMENT_CALLBACK_URL };
    return this.call<ProviderPaymentAnswer>('POST', '/v1/payments', body, idempotencyKey);
  }

  /** The whole captured amount back, under the payment's one refund key: asked any number of times, one refund. */
  refund(paymentId: string): Promise<ProviderRefundAnswer> {
    return this.call<ProviderRefundAnswer>('POST', '/v1/refunds', { paymentId }, refundKeyOf(paymentId));
  }

  async statement(): Promise<Statement> {
    return statementSchema.parse(await this.call('GET', '/v1/statement'));
  }

  private async call<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.config.PAYMENT_PROVIDER_URL}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.config.PAYMENT_PROVIDER_API_KEY}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.PAYMENT_PROVIDER_TIMEOUT_MS),
      });
    } catch (err) {
      throw providerUnavailable((err as Error).name === 'TimeoutError' ? 'no answer in time' : 'unreachable');
    }
    const answer = (await res.json().catch(() => ({}))) as T & { code?: string; message?: string };
    if (res.status >= 500) throw providerUnavailable(`status ${res.status}`);
    if (!res.ok) {
      throw new AppError('PAYMENT_PROVIDER_REFUSED', 502, `the payment provider refused: ${answer.message}`, {
        providerCode: answer.code,
      });
    }
    return answer;
  }
}
