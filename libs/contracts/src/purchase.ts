import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { OrderRequestMessage } from './messages';
import type { Refusal } from './refusals';

// The purchase route's rules, one source for the gateway's hot route and its zod schemas (DTOs) alike.
/** Route ids: digits only (no sign, no leading zero), within PostgreSQL's integer range (MAX_ACTIVITY_ID). */
export const ACTIVITY_ID_PATTERN = /^[1-9]\d{0,9}$/;
export const MAX_ACTIVITY_ID = 2_147_483_647;
/** `Idempotency-Key`: a client-chosen id for one purchase attempt. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const IDEMPOTENCY_KEY_RULE = 'must be 1-64 letters, digits, _ or -';
/** Units one purchase may ask for (the activity's per-user limit may be lower). */
export const MAX_QUANTITY = 1_000;

/** A route's `:activityId` (or `:id`) as zod reads it for the Nest routes: the same rule, as a number. */
export const activityIdSchema = z
  .string()
  .regex(ACTIVITY_ID_PATTERN, 'must be a positive integer')
  .transform(Number)
  .refine((n) => n <= MAX_ACTIVITY_ID, 'must be a positive integer');

/** True for a route id within the rules above (a string the hot route matched, or a path parameter). */
export function isActivityId(id: string): boolean {
  return ACTIVITY_ID_PATTERN.test(id) && Number(id) <= MAX_ACTIVITY_ID;
}

/**
 * One purchase, the one shape it has from the HTTP edge to the Kafka message: made once per request by
 * the gateway's PurchaseEndpoint from the request's valid parts, read by every check, the reservation
 * script's codec (libs/stock) and, once reserved, `orderRequestOf`.
 */
export interface Purchase {
  activityId: number;
  /** the buyer: the token's `sub` */
  userId: string;
  quantity: number;
  idempotencyKey?: string;
  /** the client's address, as the gateway resolves it (X-Forwarded-For only behind a trusted proxy) */
  ip: string;
  correlationId: string;
  /** the instant every check and the reservation judge it at (epoch ms, the gateway's clock) */
  now: number;
  /** '' until the in-process checks let it through; then the order id it is reserved under, end to end */
  orderId: string;
}

/** The Kafka message of a reserved purchase: built here and nowhere else. */
export function orderRequestOf(p: Purchase): OrderRequestMessage {
  return {
    orderId: p.orderId,
    activityId: p.activityId,
    userId: p.userId,
    quantity: p.quantity,
    reservedAt: p.now,
  };
}

/** What a purchase came to: admitted (202), refused (4xx: see refusals.ts), or a dependency down (503, nothing taken). */
export type PurchaseOutcome =
  { kind: 'queued'; orderId: string } | { kind: 'refused'; refusal: Refusal } | { kind: 'unavailable' };

/**
 * The purchase's order id, a UUIDv7: 48 bits of Unix milliseconds, then random bits. Generated at the gateway when stock is
 * reserved, it names the order end to end (reservation, its events' Kafka key, primary key), so every retry and
 * replay of the same purchase lands on the same row. Time-ordered ids also keep the B-tree append-only.
 * The random bits are those of a v4 UUID (Node keeps a cache of entropy for it: no system call per order),
 * with the time written over its first 48 bits and the version nibble set to 7; the variant stays RFC 9562.
 */
export function newOrderId(now = Date.now()): string {
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}
