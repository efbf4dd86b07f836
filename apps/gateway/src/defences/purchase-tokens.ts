import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ActivityWindow } from '../risk/activity-windows';
import { clientIp } from '../risk/client-ip';
import { Refusal } from '../purchase-core/refusal';
import { RiskChecks } from '../risk/risk-checks';
import { TokenVerdict } from '../purchase-core/paper-answers';
import { judgeTicket, openTicket } from './signed-ticket';
import { TicketKeys } from './ticket-keys';

export const PURCHASE_TOKEN_HEADER = 'purchase-token';

export interface TokenedPurchase {
  activityId: number;
  buyerId: string;
  purchaseToken: string | string[] | undefined;
  idempotencyKey: string | undefined;
  socketAddress: string | undefined;
  forwardedFor: string | string[] | undefined;
}

/** One frozen refusal per verdict: the purchase route serialises each answer once. */
const REFUSALS = Object.fromEntries(
  (['MISSING', 'USED', 'INVALID', 'OTHER_BUYER', 'OTHER_ACTIVITY', 'EXPIRED'] as const).map((token) => [
    token,
    Object.freeze<Refusal>({ reason: 'PURCHASE_TOKEN', decidedBy: 'memory', token }),
  ]),
) as Record<TokenVerdict, Refusal>;

/**
 * The hidden purchase path (秒杀地址隐藏) at the purchase: for an activity created with `purchaseToken: true`,
 * a purchase must carry the `Purchase-Token` the gateway issued to this buyer for this activity, from the
 * sale's start, for PURCHASE_TOKEN_TTL_SECONDS, usable once. Checked with the key alone (no Redis). For an
 * activity without defences it costs one lookup in the cached window and nothing else; the refusal is a value.
 */
@Injectable()
export class PurchaseTokens {
  constructor(
    private readonly risk: RiskChecks,
    private readonly keys: TicketKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  check(p: TokenedPurchase, now = Date.now()): Refusal | undefined | Promise<Refusal | undefined> {
    const ip = () => clientIp(p.socketAddress, p.forwardedFor, this.config.TRUST_PROXY);
    const window = this.risk.window(p.activityId, now, ip);
    // Cached (every purchase but an instance's first of an activity): answered without awaiting.
    if (!(window instanceof Promise)) return this.judge(p, window, now);
    return window.then((w) => this.judge(p, w, now));
  }

  private judge(
    p: TokenedPurchase,
    window: ActivityWindow | Refusal | null,
    now: number,
  ): Refusal | undefined {
    if (window && 'reason' in window) return window; // limited before the window could be read
    if (!window?.defences?.token) return undefined; // unknown or no defences: the risk chain decides
    const token = p.purchaseToken;
    if (typeof token !== 'string' || token === '') return REFUSALS.MISSING;
    const ticket = openTicket(this.keys.purchaseToken, token);
    const verdict = judgeTicket(ticket, p.activityId, p.buyerId, now);
    if (verdict !== 'OK') return REFUSALS[verdict];
    const fresh = this.keys.usedTokens.use(ticket!.nonce, ticket!.expiresAt, now, p.idempotencyKey ?? '');
    return fresh ? undefined : REFUSALS.USED;
  }
}
