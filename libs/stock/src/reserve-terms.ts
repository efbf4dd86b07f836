// The reservation's terms: what reserve.lua is given and answers, its limits, and what may hold it.
import type { Purchase, RefusalReason } from '@app/contracts';

/**
 * What reserve.lua answers (see its header): OK, DUPLICATE, ABANDONED and SHARDED, or a refusal by its
 * name in libs/contracts' refusal table (IDEMPOTENCY_KEY_REUSED, SOLD_OUT…) — one name from Lua to the API.
 */
export type ReserveCode = 'OK' | 'DUPLICATE' | 'ABANDONED' | 'SHARDED' | RefusalReason;

/** The parts of a purchase the reservation reads. */
export type ReserveInput = Pick<
  Purchase,
  'activityId' | 'orderId' | 'userId' | 'quantity' | 'now' | 'idempotencyKey'
>;

/** reserve.lua's reply `{code, orderId, remaining, retryAfterMs}`, as it comes. */
export interface ReserveReply {
  code: ReserveCode;
  orderId: string;
  /** stock left after this call (OK, SOLD_OUT; a shard's own, for a sharded activity), else -1; SHARDED: shards */
  remaining: number;
  /** for the limits: ms until a retry could pass */
  retryAfterMs: number;
}

/** The limits reserve.lua applies, by their configuration names (the gateway gives its AppConfig). */
export interface ReserveLimits {
  RATE_LIMIT_USER_PER_SECOND: number;
  RATE_LIMIT_USER_BURST: number;
  ADMISSION_RATE_PER_SECOND: number;
  ADMISSION_BURST: number;
  CLOCK_SKEW_MAX_MS: number;
}
export const RESERVE_LIMITS = Symbol('RESERVE_LIMITS');

/** What holds every sale (the gateway's SaleHold), asked again when a reservation had to wait. */
export interface ReserveHold {
  readonly holding: boolean;
}
export const RESERVE_HOLD = Symbol('RESERVE_HOLD');

/** Instead of the script: the sales were held while the reservation waited. Nothing was sent to Redis. */
export class SalesHeldError extends Error {}
