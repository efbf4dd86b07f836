import { z } from 'zod';

/** PATCH /api/activities/:id — top up the stock and/or end the sale now. */
export const updateActivitySchema = z
  .object({
    /** The new total stock. It only grows: units already sold cannot be taken back. */
    stock: z.number().int().min(1).max(10_000_000).optional(),
    /** End the sale now (endsAt = now). */
    endNow: z.literal(true).optional(),
  })
  .strict()
  .refine((u) => u.stock !== undefined || u.endNow !== undefined, {
    message: 'give stock (the new total), endNow: true, or both',
  });

export type UpdateActivityDto = z.infer<typeof updateActivitySchema>;
