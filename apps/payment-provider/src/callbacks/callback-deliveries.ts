import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PAYMENT_SIGNATURE_HEADER, PaymentCallback, PaymentCallbackType, signPayload } from '@app/contracts';
import { counter } from '@app/observability';
import { TestSwitches } from '../switches/test-switches';
import type { ProviderPayment } from '../payments/provider-payment';

const attempts = counter('provider_callback_attempts_total', 'Callback delivery attempts by outcome', [
  'outcome',
]);
const ATTEMPT_TIMEOUT_MS = 5_000;

interface Delivery {
  event: PaymentCallback;
  url: string;
  attempt: number;
}

/**
 * Callbacks to the merchant, at least once: each is signed afresh at every attempt (its timestamp is the
 * attempt's), POSTed to the payment's callback URL, and retried with exponential backoff
 * (PAYMENT_CALLBACK_RETRY_BASE_MS doubling up to PAYMENT_CALLBACK_RETRY_MAX_MS) until the merchant
 * answers 2xx. The merchant must therefore deduplicate by the event id. Kept in memory, like the book.
 */
@Injectable()
export class CallbackDeliveries implements OnApplicationShutdown {
  private readonly logger = new Logger(CallbackDeliveries.name);
  private readonly timers = new Set<NodeJS.Timeout>();
  private held: Delivery[] = [];
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly switches: TestSwitches,
  ) {
    switches.onRelease(() => this.releaseHeld());
  }

  emit(type: PaymentCallbackType, payment: ProviderPayment, refundId?: string): PaymentCallback {
    const refund = refundId ? payment.refunds.find((r) => r.id === refundId) : undefined;
    const event: PaymentCallback = {
      id: `evt_${randomUUID().replaceAll('-', '')}`,
      type,
      createdAt: Date.now(),
      data: {
        paymentId: payment.id,
        reference: payment.reference,
        amount: refund?.amount ?? payment.amount,
        currency: payment.currency,
        ...(refundId ? { refundId } : {}),
      },
    };
    const copies = this.switches.value.duplicateCallbacks ? 2 : 1;
    for (let i = 0; i < copies; i++) this.enqueue({ event, url: payment.callbackUrl, attempt: 0 });
    return event;
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
  }

  private enqueue(delivery: Delivery): void {
    if (this.switches.value.holdCallbacks) {
      this.held.push(delivery);
      return;
    }
    this.later(delivery, this.switches.value.callbackDelayMs);
  }

  private releaseHeld(): void {
    const held = this.switches.value.reorderCallbacks ? this.held.reverse() : this.held;
    this.held = [];
    // One after another, so that the order chosen is the order the merchant sees.
    void held.reduce((previous, d) => previous.then(() => this.deliver(d)), Promise.resolve());
  }

  private later(delivery: Delivery, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(delivery);
    }, delayMs);
    this.timers.add(timer);
  }

  private async deliver(delivery: Delivery): Promise<void> {
    if (this.stopped) return;
    const ok = !this.switches.takeCallbackFailure() && (await this.post(delivery));
    attempts.inc({ outcome: ok ? 'acknowledged' : 'failed' });
    if (ok) return;
    const next = { ...delivery, attempt: delivery.attempt + 1 };
    const backoff = Math.min(
      this.config.PAYMENT_CALLBACK_RETRY_BASE_MS * 2 ** delivery.attempt,
      this.config.PAYMENT_CALLBACK_RETRY_MAX_MS,
    );
    this.later(next, backoff);
  }

  private async post({ event, url, attempt }: Delivery): Promise<boolean> {
    const body = JSON.stringify(event);
    const signature = signPayload(this.config.PAYMENT_WEBHOOK_SECRET, body, Math.floor(Date.now() / 1000));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [PAYMENT_SIGNATURE_HEADER]: signature },
        body,
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok)
        this.logger.warn({ msg: 'callback refused', eventId: event.id, status: res.status, attempt });
      return res.ok;
    } catch (err) {
      this.logger.warn({
        msg: 'callback not delivered',
        eventId: event.id,
        attempt,
        err: (err as Error).message,
      });
      return false;
    }
  }
}
