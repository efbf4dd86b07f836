import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { OrderRequestMessage } from '@app/contracts';
import { counter, withCorrelation } from '@app/observability';
import {
  ABANDON_RECORD_WITHIN_MS,
  ReservationHandoff,
  TAKE_RESULTS,
  TakeResult,
  groupByActivity,
  isTaken,
} from '@app/stock';
import { OrderEventsPublisher } from '../orders/order-events.publisher';
import { RedisRebuild } from '../recovery/redis-rebuild.service';
import { OrderWriter, WrittenOrder } from './order-writer';

const ordersWritten = counter('orders_written_total', 'Order rows created from order requests');
const requestsSkipped = counter('order_requests_skipped_total', 'Order requests that wrote nothing', [
  'reason',
]);
const { MISSING, MISMATCH, UNDONE, RELEASED, FAILED } = TAKE_RESULTS;
const SKIPPED: Partial<Record<TakeResult, string>> = {
  [UNDONE]: 'undone',
  [RELEASED]: 'released',
  [FAILED]: 'failed',
};

export interface Rejection {
  orderId: string;
  reason: string;
}

/** The correlation id of the message that carried an order request (each its own, in one batch). */
export type CorrelationOf = (orderId: string) => string | undefined;

/**
 * Turns a batch of order requests into orders, idempotently, activity by activity: an attempt a gateway
 * answered 503 is abandoned again, not ordered (Redis may have lost its first abandon); then
 * take the reservations (Redis) → one INSERT checked against the stock (PostgreSQL, the ledger) → mark
 * them ordered, or failed when the ledger refused them (Redis) → ORDER_CREATED events and payment
 * timeouts (Kafka). Any failure throws and the whole batch is retried; every step tolerates a replay.
 * Returns the requests that must go to the dead-letter topic.
 */
@Injectable()
export class OrderIntakeService {
  private readonly logger = new Logger(OrderIntakeService.name);

  /**
   * How long an answer that named a reservation may take to turn out a 503: its Redis command timed out,
   * its attempt recorded, and the grace recovery gives a slow gateway (RESERVATION_RECOVERY_AFTER_MS).
   */
  private readonly settleMs: number;

  constructor(
    private readonly handoff: ReservationHandoff,
    private readonly writer: OrderWriter,
    private readonly events: OrderEventsPublisher,
    private readonly rebuild: RedisRebuild,
    @Inject(APP_CONFIG)
    config: Pick<AppConfig, 'REDIS_COMMAND_TIMEOUT_MS' | 'RESERVATION_RECOVERY_AFTER_MS'>,
  ) {
    this.settleMs =
      config.REDIS_COMMAND_TIMEOUT_MS + ABANDON_RECORD_WITHIN_MS + config.RESERVATION_RECOVERY_AFTER_MS;
  }

  async accept(requests: OrderRequestMessage[], correlationOf: CorrelationOf = () => undefined) {
    const rejections: Rejection[] = [];
    const written: WrittenOrder[] = [];
    const unique = [...new Map(requests.map((r) => [r.orderId, r])).values()];
    const abandoned = await this.writer.abandoned(unique);
    for (const [activityId, all] of groupByActivity(unique)) {
      const group = abandoned.size > 0 ? await this.abandonAgain(activityId, all, abandoned) : all;
      written.push(...(await this.acceptActivity(activityId, group, rejections, correlationOf)));
    }
    // Replays re-announce PENDING orders too: events are at-least-once, and a timeout must not be lost
    // when an earlier delivery died between the INSERT and this send.
    await this.events.created(
      written.filter((o) => o.status === 'PENDING'),
      Date.now(),
      correlationOf,
    );
    ordersWritten.inc(written.length);
    return rejections;
  }

  /**
   * The requests left once those answered 503 are abandoned again: unless a later answer named them to the
   * buyer, and that answer was not a 503 as well (its attempt is then in the ledger too, and its promise
   * void). One named by an answer too recent to judge is left in Redis as it is, for recovery to bring again.
   */
  private async abandonAgain(activityId: number, group: OrderRequestMessage[], abandoned: Set<string>) {
    const answered503 = group.filter((r) => abandoned.has(r.orderId));
    if (answered503.length === 0) return group;
    const voided = await this.writer.abandonedOfBuyers(activityId, answered503);
    const { kept, pending } = await this.handoff.abandonAgain(activityId, answered503, voided, this.settleMs);
    requestsSkipped.inc({ reason: 'abandoned' }, answered503.length - kept.size - pending.size);
    requestsSkipped.inc({ reason: 'promise_pending' }, pending.size);
    return group.filter((r) => !abandoned.has(r.orderId) || kept.has(r.orderId));
  }

  private async acceptActivity(
    activityId: number,
    group: OrderRequestMessage[],
    rejections: Rejection[],
    correlationOf: CorrelationOf,
  ): Promise<WrittenOrder[]> {
    let taken = await this.handoff.take(activityId, group);
    // A reservation missing: Redis may have lost it with its data — it holds nothing of this activity
    // (wiped), or it restarted behind the ledger (an older AOF, a failover) and the periodic check has not
    // seen it yet. Rebuilt from the ledger, a lost reservation is then recorded FAILED, not dead-lettered.
    if (taken.states.includes(MISSING)) {
      const rebuilt =
        taken.rebuilds < 0
          ? await this.rebuild.rebuild(activityId)
          : (await this.rebuild.check()).includes(activityId);
      if (rebuilt) taken = await this.handoff.take(activityId, group);
    }
    const toWrite: OrderRequestMessage[] = [];
    group.forEach((request, i) => {
      const state = taken.states[i];
      if (isTaken(state)) toWrite.push(request);
      else if (state === MISSING)
        rejections.push({ orderId: request.orderId, reason: 'no reservation with this order id' });
      else if (state === MISMATCH)
        rejections.push({
          orderId: request.orderId,
          reason: 'buyer or quantity differ from the reservation',
        });
      else requestsSkipped.inc({ reason: SKIPPED[state] ?? state });
    });

    const written = await this.writer.write(activityId, toWrite, taken.rebuilds, async (requests) => {
      const again = await this.handoff.take(activityId, requests);
      return requests.filter((_, i) => isTaken(again.states[i]));
    });
    const writtenIds = new Set(written.map((o) => o.id));
    await this.handoff.markOrdered(
      activityId,
      toWrite.filter((r) => writtenIds.has(r.orderId)),
    );
    const refused = toWrite.filter((r) => !writtenIds.has(r.orderId));
    if (refused.length > 0) await this.refuse(activityId, refused, correlationOf);
    return written;
  }

  /**
   * The ledger refused these: PostgreSQL has no stock left for them (or their buyer already holds a live
   * order), so Redis counted stock it does not have. They end FAILED (no stock back), and the activity's
   * Redis state is rebuilt from the ledger.
   */
  private async refuse(activityId: number, refused: OrderRequestMessage[], correlationOf: CorrelationOf) {
    await this.handoff.markFailed(activityId, refused);
    requestsSkipped.inc({ reason: 'refused_by_ledger' }, refused.length);
    for (const r of refused) {
      withCorrelation(correlationOf(r.orderId), () =>
        this.logger.warn({
          msg: 'order refused by the ledger, reservation failed',
          orderId: r.orderId,
          userId: r.userId,
        }),
      );
    }
    await this.rebuild.rebuild(activityId);
  }
}
