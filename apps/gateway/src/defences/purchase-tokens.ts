import { Injectable } from '@nestjs/common';
import { MEMORY_REFUSALS, Purchase, Refusal } from '@app/contracts';
import { ActivityWindow } from '../risk/activity-windows';
import { TokenVerdict } from '../purchase-core/ticket-verdicts';
import { judgeTicket, openTicket } from './signed-ticket';
import { TicketKeys } from './ticket-keys';

export const PURCHASE_TOKEN_HEADER = 'purchase-token';

/** Each verdict's refusal (libs/contracts' table names them PURCHASE_TOKEN_<verdict>), frozen, made once. */
const REFUSALS: Record<TokenVerdict, Refusal> = {
  MISSING: MEMORY_REFUSALS.PURCHASE_TOKEN_MISSING,
  USED: MEMORY_REFUSALS.PURCHASE_TOKEN_USED,
  INVALID: MEMORY_REFUSALS.PURCHASE_TOKEN_INVALID,
  OTHER_BUYER: MEMORY_REFUSALS.PURCHASE_TOKEN_OTHER_BUYER,
  OTHER_ACTIVITY: MEMORY_REFUSALS.PURCHASE_TOKEN_OTHER_ACTIVITY,
  EXPIRED: MEMORY_REFUSALS.PURCHASE_TOKEN_EXPIRED,
};

/**
 * The hidden purchase path (秒杀地址隐藏) at the purchase: for an activity created with `purchaseToken: true`,
 * a purchase must carry the `Purchase-Token` the gateway issued to this buyer for this activity, from the
 * sale's start, for PURCHASE_TOKEN_TTL_SECONDS, usable once. Checked with the key alone (no Redis), against
 * the activity's window the caller holds; for an activity without defences it costs nothing. The refusal
 * is a value.
 */
@Injectable()
export class PurchaseTokens {
  constructor(private readonly keys: TicketKeys) {}

  check(
    p: Purchase,
    token: string | string[] | undefined,
    window: ActivityWindow | null,
  ): Refusal | undefined {
    if (!window?.defences?.token) return undefined; // unknown or no defences: the risk chain decides
    if (typeof token !== 'string' || token === '') return REFUSALS.MISSING;
    const ticket = openTicket(this.keys.purchaseToken, token);
    const verdict = judgeTicket(ticket, p.activityId, p.userId, p.now);
    if (verdict !== 'OK') return REFUSALS[verdict];
    const fresh = this.keys.usedTokens.use(ticket!.nonce, ticket!.expiresAt, p.now, p.idempotencyKey ?? '');
    return fresh ? undefined : REFUSALS.USED;
  }
}
