import { z } from 'zod';

// What the payment provider and the shop say to each other (HTTP and callbacks), and what the shop says
// about payments on Kafka. One home for both ends: nobody rebuilds these shapes by hand.

const epochMs = z.number().int().nonnegative().max(8_640_000_000_000_000);
const providerId = z.string().min(1).max(100);
/** The shop's reference of a payment: its order id, or whatever the provider was given (a string). */
const reference = z.string().min(1).max(200);
/** Minor units (cents, fen): money is never a float. */
const amount = z.number().int().positive().max(100_000_000);
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code');

export const PAYMENT_CALLBACK_TYPES = ['payment.succeeded', 'payment.failed', 'payment.refunded'] as const;
export type PaymentCallbackType = (typeof PAYMENT_CALLBACK_TYPES)[number];

/**
 * A provider's callback (webhook). Not strict: a provider adds fields over time, and a receiver that
 * refused them would make it retry forever. `id` is the event's, unique per fact the provider reports —
 * a redelivery carries the same id, which is what the receiver deduplicates on.
 */
export const paymentCallbackSchema = z.object({
  id: providerId,
  type: z.enum(PAYMENT_CALLBACK_TYPES),
  createdAt: epochMs,
  data: z.object({
    paymentId: providerId,
    reference,
    amount,
    currency,
    refundId: providerId.optional(),
  }),
});
export type PaymentCallback = z.infer<typeof paymentCallbackSchema>;

/** The provider's statement: every payment it holds, what it captured and what it gave back. */
export const statementPaymentSchema = z.object({
  id: providerId,
  reference,
  amount,
  currency,
  status: z.enum(['requires_action', 'authorized', 'succeeded', 'failed', 'refunded']),
  capturedAmount: z.number().int().nonnegative(),
  refunds: z.array(z.object({ id: providerId, amount, createdAt: epochMs })),
});
export const statementSchema = z.object({ generatedAt: epochMs, payments: z.array(statementPaymentSchema) });
export type StatementPayment = z.infer<typeof statementPaymentSchema>;
export type Statement = z.infer<typeof statementSchema>;

/** Why the shop gives a captured payment back. */
export const REFUND_REASONS = ['ORDER_NOT_PAYABLE', 'UNKNOWN_ORDER', 'ALREADY_PAID'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/**
 * The saga's compensation, a command on its own topic (keyed by payment id): give this captured payment
 * back. At least once; the provider's idempotency key (`refund-<paymentId>`) makes any number of
 * deliveries one refund.
 */
export const refundCommandSchema = z
  .object({
    paymentId: providerId,
    orderId: reference,
    amount,
    currency,
    reason: z.enum(REFUND_REASONS),
    at: epochMs,
  })
  .strict();
export type RefundCommandMessage = z.infer<typeof refundCommandSchema>;

/**
 * Payment events on the order-events topic (keyed by order id, beside ORDER_CREATED / PAID / CANCELLED):
 * a subscriber follows the saga — a late payment's refund requested, then done.
 */
export const PAYMENT_EVENT_TYPES = ['PAYMENT_REFUND_REQUESTED', 'PAYMENT_REFUNDED'] as const;
export const paymentEventSchema = z
  .object({
    type: z.enum(PAYMENT_EVENT_TYPES),
    orderId: reference,
    paymentId: providerId,
    amount,
    currency,
    reason: z.enum(REFUND_REASONS),
    at: epochMs,
  })
  .strict();
export type PaymentEventMessage = z.infer<typeof paymentEventSchema>;

/** The idempotency key of the one refund a payment may get from the shop, however often it is asked. */
export const refundKeyOf = (paymentId: string): string => `refund-${paymentId}`;
