import { z } from 'zod';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE, MAX_QUANTITY } from '@app/contracts';

export const purchaseSchema = z
  .object({ quantity: z.number().int().min(1).max(MAX_QUANTITY).default(1) })
  .strict();
export type PurchaseDto = z.infer<typeof purchaseSchema>;

/** `Idempotency-Key`: a client-chosen id for one purchase attempt; a retry with it gets the same answer. */
export const idempotencyKeySchema = z
  .string()
  .regex(IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE)
  .optional();
