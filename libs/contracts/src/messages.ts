import { z } from 'zod';
import { MAX_ACTIVITY_ID, MAX_QUANTITY } from './purchase';
import { USER_ID_PATTERN } from './user-id';

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
