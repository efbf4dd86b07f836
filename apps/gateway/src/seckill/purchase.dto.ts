import { z } from 'zod';

export const purchaseSchema = z.object({ quantity: z.number().int().min(1).max(1_000).default(1) }).strict();
export type PurchaseDto = z.infer<typeof purchaseSchema>;

/** `Idempotency-Key`: a client-chosen id for one purchase attempt; a retry with it gets the same answer. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
  .optional();
