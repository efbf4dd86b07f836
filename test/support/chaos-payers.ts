import { loadConfig } from '@app/config';
import { buyerToken } from './api';
import { StartedPayment } from './seckill-api';
import { TEST_PAYMENT_ENV, TEST_PORTS } from './service-process';

/**
 * The provider of the chaos stack delivers every callback twice, each a little late: the shop must apply
 * each payment once whatever the fault of the case does to it meanwhile.
 */
export const CHAOS_PROVIDER_SWITCHES = { duplicateCallbacks: true, callbackDelayMs: 300 };
/** The chaos provider retries a refused callback soon (a frozen order-service is back within seconds). */
export const CHAOS_PROVIDER_ENV = {
  PAYMENT_CALLBACK_RETRY_BASE_MS: '200',
  PAYMENT_CALLBACK_RETRY_MAX_MS: '2000',
};

/** What the payers of one spike did: the payments they completed at the provider, by kind. */
export interface PayersTally {
  /** paid once, within the pay window */
  onTime: number;
  /** paid twice for one order (two tabs): the second capture is refunded */
  twice: number;
  /** paid after their order's deadline: refunded */
  late: number;
  /** could not start or complete a payment within PAYER_PATIENCE_MS (the order was gone, or not payable) */
  gaveUp: number;
}

type Kind = 'onTime' | 'twice' | 'late';

// One winner in 20 pays on time, one in 20 pays twice, and — when the pay window is short enough to wait
// for — one in 20 pays after the deadline. Chosen by the buyer's number, so a case is the same every run.
const KIND_BY_REMAINDER: Record<number, Kind> = { 0: 'onTime', 7: 'twice', 14: 'late' };
const SHARE = 20;
/** Late payers only where the window closes within this: longer ones would outlast the case. */
const LATE_WINDOW_MAX_S = 10;
const PAYER_PATIENCE_MS = 30_000;
const RETRY_MS = 250;
const CALL_TIMEOUT_MS = 3_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers a payer keeps retrying: no answer, a 5xx, or the order not written yet (404). */
const retryable = (status: number | undefined) => status === undefined || status >= 500 || status === 404;

async function call(url: string, headers: Record<string, string>, body?: unknown) {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  } catch {
    return { status: undefined, body: undefined };
  }
}

/**
 * Winners of a chaos spike who pay through the provider, each as soon as their 202 arrives (so under the
 * case's fault): start the payment at the order-service (retried while the order is not written yet or the
 * service does not answer), complete it at the provider; the signed callback does the rest.
 */
export class ChaosPayers {
  private readonly running: Promise<Kind | 'gaveUp'>[] = [];
  private readonly orderService = `http://127.0.0.1:${TEST_PORTS['order-service']}`;

  constructor(private readonly payTimeoutSeconds: number) {}

  /** Called with each 202: the buyer pays if their number says so. */
  readonly onAccepted = (userId: string, orderId: string): void => {
    const kind = KIND_BY_REMAINDER[Number(userId.split('-').at(-1)) % SHARE];
    if (!kind || (kind === 'late' && this.payTimeoutSeconds > LATE_WINDOW_MAX_S)) return;
    this.running.push(this.pay(kind, userId, orderId).catch(() => 'gaveUp' as const));
  };

  /** Waits for every payer to be done at the provider; what happens next is the shop's (the judge's). */
  async settle(): Promise<PayersTally> {
    const tally: PayersTally = { onTime: 0, twice: 0, late: 0, gaveUp: 0 };
    for (const kind of await Promise.all(this.running)) tally[kind]++;
    return tally;
  }

  private async pay(kind: Kind, userId: string, orderId: string): Promise<Kind | 'gaveUp'> {
    const until = Date.now() + PAYER_PATIENCE_MS;
    const first = await this.start(userId, orderId, 'first', until);
    if (!first) return 'gaveUp';
    const second = kind === 'twice' ? await this.start(userId, orderId, 'second', until) : undefined;
    if (kind === 'late') await pause(new Date(first.payBy).getTime() + 500 - Date.now());
    const paid = await this.complete(first, until);
    if (second) await this.complete(second, until);
    return paid ? kind : 'gaveUp';
  }

  private async start(userId: string, orderId: string, attempt: string, until: number) {
    const headers = { authorization: `Bearer ${buyerToken(userId)}`, 'idempotency-key': attempt };
    while (Date.now() < until) {
      const { status, body } = await call(`${this.orderService}/api/orders/${orderId}/payments`, headers);
      if (status === 201) return body as StartedPayment;
      if (!retryable(status)) return undefined; // 409: paid, cancelled or expired already
      await pause(RETRY_MS);
    }
    return undefined;
  }

  private async complete(payment: StartedPayment, until: number): Promise<boolean> {
    while (Date.now() < until) {
      const { status } = await call(payment.completeUrl, {}, { clientSecret: payment.clientSecret });
      if (status !== undefined && status < 300) return true;
      if (!retryable(status)) return false;
      await pause(RETRY_MS);
    }
    return false;
  }
}

/** The provider's statement, as reconcile reads it, for the chaos stack's provider. */
export const chaosProviderConfig = () => ({
  ...loadConfig(),
  PAYMENT_PROVIDER_URL: TEST_PAYMENT_ENV.PAYMENT_PROVIDER_URL,
});
