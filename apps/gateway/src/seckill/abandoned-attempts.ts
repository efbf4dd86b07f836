import { Injectable } from '@nestjs/common';
import { PeriodicService } from '@app/common';
import { counter } from '@app/observability';
import { StockStore } from '@app/stock';

const abandoned = counter(
  'purchase_attempts_abandoned_total',
  'Purchase attempts answered 503 whose reservation script may have run, by what abandoning them found',
  ['found'],
);

export interface Attempt {
  activityId: number;
  orderId: string;
  userId: string;
  at: number;
}

/** How often unsettled attempts are tried again, and for how long before they are given up on. */
const RETRY_MS = 250;
const GIVE_UP_MS = 60_000;
const MAX_PENDING = 100_000;

/**
 * Attempts whose reservation script may or may not have run: Redis timed out or the connection dropped
 * before the reply. The buyer was told 503 ("nothing was taken"), so each attempt is abandoned — at once,
 * and again every RETRY_MS while Redis cannot be reached. The order-service's recovery waits
 * RESERVATION_RECOVERY_AFTER_MS before it publishes a reservation, so one abandoned within that time never
 * becomes an order; one this gateway could not reach Redis for during all of it does ('kept', logged).
 */
@Injectable()
export class AbandonedAttempts extends PeriodicService {
  private readonly pending = new Map<string, Attempt>();

  constructor(private readonly stock: StockStore) {
    super('abandoning attempts', RETRY_MS);
  }

  protected tick(): Promise<void> {
    return this.retry();
  }

  add(attempt: Attempt): void {
    if (this.pending.size >= MAX_PENDING) {
      this.logger.error({ msg: 'too many attempts to abandon; this one is left to reconcile', ...attempt });
      return;
    }
    this.pending.set(attempt.orderId, attempt);
    void this.settle(attempt);
  }

  override async beforeApplicationShutdown(): Promise<void> {
    await super.beforeApplicationShutdown();
    await this.retry(); // one last try while Redis is still connected
  }

  private async retry(now = Date.now()): Promise<void> {
    const due = [...this.pending.values()];
    await Promise.all(due.map((a) => this.settle(a)));
    for (const a of this.pending.values()) {
      if (now - a.at < GIVE_UP_MS) continue;
      this.pending.delete(a.orderId);
      this.logger.error({ msg: 'could not abandon a purchase attempt; reconcile will show it', ...a });
    }
  }

  private async settle(a: Attempt): Promise<void> {
    let found: 'never-reserved' | 'undone' | 'kept';
    try {
      found = await this.stock.abandon(a.activityId, a.orderId, a.userId, a.at);
    } catch {
      return; // Redis still unreachable: the next retry
    }
    if (!this.pending.delete(a.orderId)) return; // settled by a concurrent try
    abandoned.inc({ found });
    if (found === 'kept') {
      this.logger.error({ msg: 'an attempt answered 503 was already taken by the order-service', ...a });
    }
  }
}
