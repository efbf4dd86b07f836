import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ActivityWindow } from '../risk/activity-windows';
import { clientIp } from '../risk/client-ip';
import { RiskChecks } from '../risk/risk-checks';
import { tokenRefused, tokenRequired, tokenUsed } from './defence-errors';
import { judgeTicket, openTicket } from './signed-ticket';
import { TicketKeys } from './ticket-keys';

export const PURCHASE_TOKEN_HEADER = 'purchase-token';
const ROUTE_ID = /^[1-9]\d{0,9}$/;

type PurchaseRequest = FastifyRequest & { buyerId?: string; params: { activityId?: string } };

/**
 * The hidden purchase path (秒杀地址隐藏): for an activity created with `purchaseToken: true`, a purchase
 * must carry the `Purchase-Token` the gateway issued to this buyer for this activity, from the sale's
 * start, for PURCHASE_TOKEN_TTL_SECONDS, usable once. Checked with the key alone (no Redis). For an
 * activity without defences it costs one lookup in the cached window and nothing else.
 */
@Injectable()
export class PurchaseTokenGuard implements CanActivate {
  constructor(
    private readonly risk: RiskChecks,
    private readonly keys: TicketKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<PurchaseRequest>();
    const route = request.params.activityId ?? '';
    if (!ROUTE_ID.test(route)) return true; // the route's own validation answers
    const activityId = Number(route);
    const now = Date.now();
    const ip = () => clientIp(request.ip, request.headers['x-forwarded-for'], this.config.TRUST_PROXY);
    const window = this.risk.window(activityId, now, ip);
    // Cached (every purchase but an instance's first of an activity): answered without awaiting.
    if (!(window instanceof Promise)) return this.check(request, activityId, window, now);
    return window.then((w) => this.check(request, activityId, w, now));
  }

  private check(
    request: PurchaseRequest,
    activityId: number,
    window: ActivityWindow | null,
    now: number,
  ): boolean {
    if (!window?.defences?.token) return true; // unknown or no defences: the risk chain decides
    const token = request.headers[PURCHASE_TOKEN_HEADER];
    if (typeof token !== 'string' || token === '') throw tokenRequired();
    const ticket = openTicket(this.keys.purchaseToken, token);
    const verdict = judgeTicket(ticket, activityId, request.buyerId!, now);
    if (verdict !== 'OK') throw tokenRefused(verdict);
    const key = request.headers['idempotency-key'];
    if (
      !this.keys.usedTokens.use(ticket!.nonce, ticket!.expiresAt, now, typeof key === 'string' ? key : '')
    ) {
      throw tokenUsed();
    }
    return true;
  }
}
