import { z } from 'zod';
import { USER_ID_PATTERN } from '@app/auth';
import { BlacklistKind } from './blacklist';
import { normalizeIp } from './client-ip';

const kind = z.enum(['user', 'ip']);
const value = z.string().min(1).max(64);

/**
 * A user id as tokens carry it, or an IP address in its one normalized spelling — the form the purchase
 * path compares with, so `::FFFF:10.0.0.1` blocks 10.0.0.1.
 */
function withNormalizedValue<T extends { kind: BlacklistKind; value: string }>(
  entry: T,
  ctx: z.RefinementCtx,
): T {
  const normalized =
    entry.kind === 'user' ? USER_ID_PATTERN.test(entry.value) && entry.value : normalizeIp(entry.value);
  if (normalized) return { ...entry, value: normalized };
  const message =
    entry.kind === 'user' ? 'must be a user id (1-64 of A-Za-z0-9._@:-)' : 'must be an IP address';
  ctx.addIssue({ code: 'custom', path: ['value'], message });
  return z.NEVER;
}

/** POST /api/admin/blacklist */
export const addToBlacklistSchema = z
  .object({
    kind,
    value,
    /** why (shown in the admin list, never to the buyer) */
    reason: z.string().trim().max(200).default(''),
  })
  .strict()
  .transform(withNormalizedValue);
export type AddToBlacklistDto = z.infer<typeof addToBlacklistSchema>;

/** DELETE /api/admin/blacklist/:kind/:value */
export const blacklistTargetSchema = z.object({ kind, value }).transform(withNormalizedValue);
export type BlacklistTarget = z.infer<typeof blacklistTargetSchema>;
