import { Counter } from 'prom-client';
import { PeriodicService } from '@app/common';

/** How long a change's own request has to announce it, how often the backstop looks, how many at once. */
const GRACE_MS = 2_000;
const INTERVAL_MS = 1_000;
const LIMIT = 500;

/**
 * The backstop of an event announced after its change commits (ORDER_PAID after a payment, PAYMENT_REFUNDED
 * after a refund): the service dying or Kafka failing in between leaves the row unannounced (its
 * `…_announced_at` empty), and this task announces such rows again, GRACE_MS after the change — at least
 * once: subscribers dedupe by id, as for every event.
 */
export abstract class AnnouncementBackstop<Row extends { id: string }> extends PeriodicService {
  /** @param late counts the events this backstop sent */
  protected constructor(
    private readonly event: string,
    private readonly late: Counter,
  ) {
    super(`${event} announcements`, INTERVAL_MS);
  }

  /** Rows changed more than `graceMs` ago and not announced yet, oldest first, `limit` at most. */
  protected abstract unannounced(graceMs: number, limit: number): Promise<Row[]>;

  /** Sends the event of each row (one Kafka request). */
  protected abstract send(rows: Row[]): Promise<void>;

  /** Marks the rows announced. */
  abstract mark(ids: string[]): Promise<void>;

  protected tick(): Promise<unknown> {
    return this.announceLate();
  }

  /** The event, then the mark: what the change's own request does. */
  async announce(rows: Row[]): Promise<void> {
    await this.send(rows);
    await this.mark(rows.map((r) => r.id));
  }

  /**
   * `announce` from the change's own request, once the change is committed: it never fails that request,
   * since what it could not send, the backstop sends GRACE_MS later.
   */
  async announceOrLeave(rows: Row[]): Promise<void> {
    try {
      await this.announce(rows);
    } catch (err) {
      const ids = rows.map((r) => r.id);
      this.logger.error({ msg: `${this.event} not sent yet`, ids, err: (err as Error).message });
    }
  }

  /** One pass: every row still unannounced GRACE_MS after its change. Returns how many it announced. */
  async announceLate(): Promise<number> {
    const rows = await this.unannounced(GRACE_MS, LIMIT);
    if (rows.length === 0) return 0;
    await this.announce(rows);
    this.late.inc(rows.length);
    this.logger.warn({ msg: `${this.event} sent by the backstop`, count: rows.length });
    return rows.length;
  }
}
