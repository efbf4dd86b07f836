import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PeriodicService } from '@app/common';
import { Purchase } from '@app/contracts';
import { counter } from '@app/observability';
import { ABANDON_RECORD_WITHIN_MS, Abandoned, StockStore, recordAbandoned } from '@app/stock';

const abandoned = counter(
  'purchase_attempts_abandoned_total',
  'Purchase attempts answered 503 whose reservation script may have run, by what abandoning them found',
  ['found'],
);

/** An abandoned attempt as PostgreSQL's abandoned_attempts records it (recordAbandoned). */
interface Attempt {
  activityId: number;
  orderId: string;
  userId: string;
  at: number;
}

interface Pending extends Attempt {
  /** the attempt is in PostgreSQL's abandoned_attempts */
  recorded: boolean;
  /** abandon.lua ran on it */
  settled: boolean;
}

/** How often unsettled attempts are tried again, and for how long before they are given up on. */
const RETRY_MS = 250;
const GIVE_UP_MS = 60_000;
const MAX_PENDING = 100_000;

/**
 * Attempts whose reservation script may or may not have run: Redis timed out or the connection dropped
 * before the reply. The buyer is told 503 ("nothing was taken"), so each attempt is abandoned, in two
 * places: recorded in PostgreSQL (before the 503 is answered) and undone in Redis (abandon.lua) — at once,
 * and again every RETRY_MS while either cannot be reached. The order-service's recovery waits
 * RESERVATION_RECOVERY_AFTER_MS before it publishes a reservation, so one abandoned in Redis within that
 * time never becomes an order; and if Redis loses the abandon (an older AOF, a failover), the order intake
 * finds the record and abandons it again. An attempt whose reservation a retry's answer named to the buyer
 * stays ('promised'), unless that answer was lost too: abandoning the retry voids its promise. Only an
 * attempt this gateway could record nowhere for all that time becomes an order ('kept', logged).
 */
@Injectable()
export class AbandonedAttempts extends PeriodicService {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly stock: StockStore,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    super('abandoning attempts', RETRY_MS);
  }

  protected tick(): Promise<void> {
    return this.retry();
  }

  /** Resolves once the attempt is recorded in PostgreSQL, or after ABANDON_RECORD_WITHIN_MS (then retried). */
  async add(p: Purchase): Promise<void> {
    const attempt: Attempt = { activityId: p.activityId, orderId: p.orderId, userId: p.userId, at: p.now };
    if (this.pending.size >= MAX_PENDING) {
      this.logger.error({ msg: 'too many attempts to abandon; this one is left to reconcile', ...attempt });
      return;
    }
    const entry: Pending = { ...attempt, recorded: false, settled: false };
    this.pending.set(attempt.orderId, entry);
    void this.settle(entry);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ABANDON_RECORD_WITHIN_MS)));
    await Promise.race([this.record(entry), late]).finally(() => clearTimeout(timer));
  }

  override async beforeApplicationShutdown(): Promise<void> {
    await super.beforeApplicationShutdown();
    await this.retry(); // one last try while Redis and PostgreSQL are still connected
  }

  private async retry(now = Date.now()): Promise<void> {
    const due = [...this.pending.values()];
    await Promise.all(due.map((a) => Promise.all([this.record(a), this.settle(a)])));
    for (const a of this.pending.values()) {
      if (now - a.at < GIVE_UP_MS) continue;
      this.pending.delete(a.orderId);
      this.logger.error({ msg: 'could not abandon a purchase attempt; reconcile will show it', ...a });
    }
  }

  private async record(a: Pending): Promise<void> {
    if (a.recorded) return;
    try {
      await recordAbandoned(this.db, a);
    } catch {
      return; // PostgreSQL unreachable: the next retry
    }
    a.recorded = true;
    this.done(a);
  }

  private async settle(a: Pending): Promise<void> {
    if (a.settled) return;
    let found: Abandoned;
    try {
      found = await this.stock.abandon(a.activityId, a.orderId, a.userId, a.at);
    } catch {
      return; // Redis still unreachable: the next retry
    }
    if (a.settled) return; // settled by a concurrent try
    a.settled = true;
    abandoned.inc({ found });
    if (found === 'kept') {
      this.logger.error({ msg: 'an attempt answered 503 was already taken by the order-service', ...a });
    }
    this.done(a);
  }

  private done(a: Pending): void {
    if (a.recorded && a.settled) this.pending.delete(a.orderId);
  }
}
