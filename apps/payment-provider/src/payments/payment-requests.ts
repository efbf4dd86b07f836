import { z } from 'zod';
import { AppError } from '@app/common';

/** POST /v1/payments: amount in minor units, the merchant's reference, where to send callbacks. */
export const createPaymentSchema = z
  .object({
    amount: z.number().int().positive().max(100_000_000),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code'),
    reference: z.string().min(1).max(200),
    callbackUrl: z.string().url().max(2_000),
    capture: z.enum(['automatic', 'manual']).default('automatic'),
    description: z.string().max(500).default(''),
  })
  .strict();

/** POST /v1/payments/:id/complete: what the buyer's page sends once the bank answered. */
export const completePaymentSchema = z
  .object({
    clientSecret: z.string().min(1).max(200),
    outcome: z.enum(['succeed', 'fail']).default('succeed'),
  })
  .strict();

/** POST /v1/refunds: the whole captured amount unless `amount` says less. */
export const createRefundSchema = z
  .object({
    paymentId: z.string().min(1).max(100),
    amount: z.number().int().positive().max(100_000_000).optional(),
  })
  .strict();

export const paymentIdSchema = z.string().regex(/^pay_[0-9a-f]{32}$/, 'a payment id');

/** Creating calls need an Idempotency-Key: a merchant retrying after a timeout must not pay twice. */
export function idempotencyKey(header: string | string[] | undefined): string {
  const key = Array.isArray(header) ? header[0] : header;
  if (!key || key.length > 255) {
    throw new AppError('VALIDATION_FAILED', 400, 'an Idempotency-Key header (1–255 characters) is required');
  }
  return key;
}
