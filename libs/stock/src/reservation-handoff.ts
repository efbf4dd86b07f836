import { Injectable } from '@nestjs/common';
import { OrderRequestMessage } from '@app/contracts';
import { RedisService } from '@app/redis';
import { RESERVATION_STATES, ReservationState } from './reservation';
import { ReservationRef, StockStore } from './stock.store';
import { shardKeys, shardOf } from './stock-shards';
import { STOCK_SCRIPTS } from './stock-scripts';
import { DataSource } from 'typeorm';
import { AbandonedAttempt, abandonedAttemptsTable } from '@app/database';

export type { AbandonedAttempt };

/**
 * How long a gateway waits for an abandoned attempt to be recorded before it answers 503 all the same: an
 * answer is known a 503 within its Redis command timeout and this.
 */
export const ABANDON_RECORD_WITHIN_MS = 1_000;

/**
 * The durable half of an abandon (abandon.lua is the other): a gateway that lost the reservation script's
 * reply answers 503, "nothing was taken", and records the attempt here first. Redis may lose the abandon
 * itself (a restart from an older AOF, a failover) and bring the reservation back; the order intake then
 * finds the attempt here and abandons it again instead of ordering it.
 */
export function recordAbandoned(db: DataSource, a: AbandonedAttempt): Promise<void> {
  return abandonedAttemptsTable.record(db, a);
}

/** Each of these buyers' attempts in the activity that a gateway answered 503 and abandoned, by buyer. */
export function abandonedOfBuyers(db: DataSource, activityId: number, userIds: string[]) {
  return abandonedAttemptsTable.ofBuyers(db, activityId, userIds);
}

/** Which of these order ids were answered 503 and abandoned. */
export async function abandonedAmong(db: DataSource, orderIds: string[]): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  return abandonedAttemptsTable.among(db, orderIds);
}

/**
 * What take.lua answers for each request, named once: the reservation's state after the take (any but
 * RESERVED), or one of the two answers that are not a state.
 */
export const TAKE_RESULTS = {
  ...RESERVATION_STATES,
  /** no reservation with this order id (Redis lost it, or it never was) */
  MISSING: '',
  /** the message's buyer or quantity differ from the reservation: nothing is written */
  MISMATCH: 'MISMATCH',
} as const;
export type TakeResult = Exclude<(typeof TAKE_RESULTS)[keyof typeof TAKE_RESULTS], 'R'>;

export interface Taken {
  /** the activity's rebuild count the states were read under; -1: Redis has no state for the activity */
  rebuilds: number;
  states: TakeResult[];
}

/**
 * Moves reservations of one activity through T (taken), then O (ordered) or F (failed), one round trip
 * each (take.lua, then settle.lua) — per stock shard for a sharded activity, each reservation in its buyer's home shard.
 */
@Injectable()
export class ReservationHandoff {
  constructor(
    private readonly redis: RedisService,
    private readonly stock: StockStore,
  ) {}

  async take(activityId: number, requests: OrderRequestMessage[]): Promise<Taken> {
    const shards = await this.stock.shards(activityId);
    const states: TakeResult[] = new Array<TakeResult>(requests.length);
    // Shards are rebuilt one after the other: the lowest count is the one the whole batch is safe under.
    let rebuilds = Infinity;
    const groups = byShard(requests, shards);
    if (groups.size === 0) groups.set(0, []); // still answers the rebuild count
    for (const [shard, indexes] of groups) {
      const k = shardKeys(activityId, shard, shards);
      const args = indexes.flatMap((i) => [
        requests[i].orderId,
        requests[i].userId,
        String(requests[i].quantity),
      ]);
      const [count, ...taken] = (await STOCK_SCRIPTS.take.run(
        this.redis.client,
        [k.reservations, k.unconfirmed, k.meta, k.buyers],
        args,
      )) as [number, ...TakeResult[]];
      rebuilds = Math.min(rebuilds, count);
      indexes.forEach((i, j) => (states[i] = taken[j]));
    }
    return { rebuilds, states };
  }

  /**
   * Abandons again attempts a gateway answered 503 (abandon.lua: R → U, stock back), in case Redis lost
   * their first abandon with its last writes. `voided`: each buyer's attempts the ledger holds abandoned,
   * whose promises are void (their answers were 503s too). Returns the ids that stay — taken already, or
   * named to the buyer by a later answer (a retry's DUPLICATE) that stands: those go on to be ordered — and
   * those named by an answer younger than `settleMs`, whose fate is not known yet: left as they are.
   */
  async abandonAgain(
    activityId: number,
    refs: ReservationRef[],
    voided: Map<string, string[]>,
    settleMs: number,
  ): Promise<{ kept: Set<string>; pending: Set<string> }> {
    const kept = new Set<string>();
    const pending = new Set<string>();
    for (const ref of refs) {
      const found = await this.stock.abandon(activityId, ref.orderId, ref.userId, Date.now(), {
        settleMs,
        voided: voided.get(ref.userId) ?? [],
      });
      if (found === 'kept' || found === 'promised') kept.add(ref.orderId);
      else if (found === 'pending') pending.add(ref.orderId);
    }
    return { kept, pending };
  }

  markOrdered(activityId: number, refs: ReservationRef[]): Promise<void> {
    return this.settle(RESERVATION_STATES.ORDERED, activityId, refs);
  }

  markFailed(activityId: number, refs: ReservationRef[]): Promise<void> {
    return this.settle(RESERVATION_STATES.FAILED, activityId, refs);
  }

  private async settle(state: ReservationState, activityId: number, refs: ReservationRef[]): Promise<void> {
    if (refs.length === 0) return;
    const shards = await this.stock.shards(activityId);
    for (const [shard, indexes] of byShard(refs, shards)) {
      const k = shardKeys(activityId, shard, shards);
      await STOCK_SCRIPTS.settle.run(
        this.redis.client,
        [k.reservations, k.meta],
        [state, ...indexes.map((i) => refs[i].orderId)],
      );
    }
  }
}

/** Indexes of the items per home shard of their buyer (one group, in order, when unsharded). */
function byShard(items: { userId: string }[], shards: number): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  items.forEach((item, i) => {
    const shard = shardOf(item.userId, shards);
    const group = groups.get(shard);
    if (group) group.push(i);
    else groups.set(shard, [i]);
  });
  return groups;
}
