import { z } from 'zod';
import { MAX_ACTIVITY_ID, MAX_QUANTITY } from './purchase';
import { USER_ID_PATTERN } from './user-id';

/**
 * Many order requests in one Kafka record: the gateway's relay packs each micro-batch into one, so the
 * producer encodes, checksums and partitions one record per batch instead of one per admission. Each request
 * keeps its own correlation id (a record has one set of headers). The one-request record (an
 * OrderRequestMessage as the value, its correlation id in the header) stays valid: recovery re-publishes in
 * that shape, and a consumer reads both, so gateways can be upgraded one at a time.
 */
export interface OrderRequestBatch {
  orderRequests: unknown[];
  /** per request, in the same order; null where the request had none */
  correlationIds: (string | null)[];
}

export interface PackedOrderRequest {
  request: OrderRequestMessage;
  correlationId?: string;
}

/** One entry of a record as read: the request or why not, and its own JSON (for the dead-letter topic). */
export interface UnpackedOrderRequest {
  decoded: Decoded<OrderRequestMessage>;
  correlationId?: string;
  /** one of several in its record (a packed batch) */
  packed: boolean;
  /** this entry's JSON (the record's whole value for a one-request record), made when asked */
  payload: () => string;
  /** its order id when it has a string one (keys its dead letter) */
  orderId?: string;
}

export function packOrderRequests(entries: PackedOrderRequest[]): string {
  const batch: OrderRequestBatch = {
    orderRequests: entries.map((e) => e.request),
    correlationIds: entries.map((e) => e.correlationId ?? null),
  };
  return JSON.stringify(batch);
}

const isBatch = (json: unknown): json is OrderRequestBatch =>
  typeof json === 'object' &&
  json !== null &&
  Array.isArray((json as OrderRequestBatch).orderRequests) &&
  Array.isArray((json as OrderRequestBatch).correlationIds);

const orderIdOf = (json: unknown) => {
  const id = (json as { orderId?: unknown } | null)?.orderId;
  return typeof id === 'string' ? id : undefined;
};

/**
 * The order requests a record carries, each validated on its own (one bad entry does not spoil the rest);
 * a record that is neither shape is one entry that failed. Never throws.
 */
export function unpackOrderRequests(
  value: Buffer | string | null,
  headerCorrelationId?: string,
): UnpackedOrderRequest[] {
  if (value === null)
    return [{ decoded: { ok: false, reason: 'empty message value' }, packed: false, payload: () => '' }];
  const text = value.toString();
  const whole = () => text;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [{ decoded: { ok: false, reason: 'value is not JSON' }, packed: false, payload: whole }];
  }
  if (!isBatch(json)) {
    const decoded = validateMessage(orderRequestSchema, json);
    const orderId = orderIdOf(json);
    return [{ decoded, correlationId: headerCorrelationId, packed: false, payload: whole, orderId }];
  }
  return json.orderRequests.map((entry, i) => {
    const correlationId = json.correlationIds[i];
    return {
      decoded: validateMessage(orderRequestSchema, entry),
      correlationId: typeof correlationId === 'string' ? correlationId : undefined,
      packed: true,
      payload: () => JSON.stringify(entry) ?? '',
      orderId: orderIdOf(entry),
    };
  });
}

/** Kafka topic names: one place, so producers, consumers and topic creation agree. */
export const TOPICS = {
  /** gateway → order-service: admitted purchases, packed many to a record (recovery: one each, keyed by order id). */
  orderRequests: 'seckill.order-requests',
  /**
   * order lifecycle events (created / paid / cancelled) and payment events (refund requested / refunded),
   * keyed by order id; any subscriber may listen.
   */
  orderEvents: 'seckill.order-events',
  /** order-service → its refund worker: give a captured payment back (the saga's compensation), keyed by payment id. */
  paymentRefunds: 'seckill.payment-refunds',
  /** malformed or unprocessable messages, with the reason, so a partition is never blocked. */
  deadLetter: 'seckill.dead-letter',
} as const;

/** Every message of a delay-level topic waits the same time, so each partition is ordered by due time. */
export function timeoutTopic(delaySeconds: number): string {
  return `seckill.order-timeouts.${delaySeconds}s`;
}

export function allTopics(delayLevelsSeconds: readonly number[]): string[] {
  return [...Object.values(TOPICS), ...delayLevelsSeconds.map(timeoutTopic)];
}

/**
 * The delay level for a wait of `remainingMs`: the longest level that does not overshoot it by more than
 * a little (2 %, at least 100 ms; the consumer never fires before the message's own due time anyway, so a
 * slight overshoot only saves hops), or the shortest level when even that one is too long. A message hops
 * level to level until due, so a long timeout never sits in front of a short one.
 */
export function delayLevelFor(remainingMs: number, levelsSeconds: readonly number[]): number {
  const sorted = [...levelsSeconds].sort((a, b) => a - b);
  const reach = remainingMs + Math.max(100, remainingMs * 0.02);
  let chosen = sorted[0];
  for (const level of sorted) if (level * 1000 <= reach) chosen = level;
  return chosen;
}

// Bounds are those of where the values go: PostgreSQL `integer` ids, JavaScript Dates (±8.64e15 ms),
// and the buyer id rule of the HTTP edge. A value outside them can match no reservation and no row:
// refused here, with the field named in the dead-letter reason, rather than deeper in a batch.
const orderId = z.string().uuid();
const activityId = z.number().int().positive().max(MAX_ACTIVITY_ID);
const userId = z.string().regex(USER_ID_PATTERN);
const quantity = z.number().int().positive().max(MAX_QUANTITY);
const epochMs = z.number().int().nonnegative().max(8_640_000_000_000_000);

/** An admitted purchase: its stock is already reserved in Redis under `orderId`. */
export const orderRequestSchema = z
  .object({ orderId, activityId, userId, quantity, reservedAt: epochMs })
  .strict();
export type OrderRequestMessage = z.infer<typeof orderRequestSchema>;

export const ORDER_EVENT_TYPES = ['ORDER_CREATED', 'ORDER_PAID', 'ORDER_CANCELLED'] as const;
export const orderEventSchema = z
  .object({ type: z.enum(ORDER_EVENT_TYPES), orderId, activityId, userId, quantity, at: epochMs })
  .strict();
export type OrderEventMessage = z.infer<typeof orderEventSchema>;

/** Cancel the order at `dueAt` unless it was paid by then. */
export const orderTimeoutSchema = z.object({ orderId, activityId, dueAt: epochMs }).strict();
export type OrderTimeoutMessage = z.infer<typeof orderTimeoutSchema>;

export const deadLetterSchema = z
  .object({
    sourceTopic: z.string(),
    partition: z.number().int().nonnegative().max(2_147_483_647),
    offset: z.string(),
    reason: z.string(),
    payload: z.string(),
  })
  .strict();
export type DeadLetterMessage = z.infer<typeof deadLetterSchema>;

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses and validates a Kafka message value; never throws, so one bad message cannot stall a batch. */
export function decodeMessage<T>(schema: z.ZodType<T>, value: Buffer | string | null): Decoded<T> {
  if (value === null) return { ok: false, reason: 'empty message value' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString());
  } catch {
    return { ok: false, reason: 'value is not JSON' };
  }
  return validateMessage(schema, json);
}

/** Validates an already parsed value against a message schema, with the same reasons as decodeMessage. */
export function validateMessage<T>(schema: z.ZodType<T>, json: unknown): Decoded<T> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, reason: issues.join('; ') };
}
