import { Inject, Injectable, Logger } from '@nestjs/common';
import { TokenPolicy, TokenRefusal, readBuyerToken, tokenPolicy } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ErrorAnswer, errorAnswer, toErrorResponse, unavailable } from '@app/common';
import { Purchase, Refusal, refusalAnswer } from '@app/contracts';
import { UnparsedBody } from '@app/http';
import { counter } from '@app/observability';
import { PurchaseTokens } from '../defences/purchase-tokens';
import { AdmissionTokens } from '../waiting-room/admission-tokens';
import { ActivityWindow } from '../risk/activity-windows';
import { clientIp } from '../risk/client-ip';
import { CLOCK, Clock, RiskChecks } from '../risk/risk-checks';
import { readPurchase } from './purchase.request';
import { SeckillService } from './seckill.service';

const refusals = counter(
  'seckill_purchase_refusals_total',
  'Refused purchases by reason and by where it was decided (memory: no Redis call; redis: the reservation script; request: authentication or validation)',
  ['reason', 'decided_by'],
);

/** The HTTP answer of a purchase: status, JSON body, and Retry-After (seconds) for rate limits. */
export interface PurchaseAnswer {
  status: number;
  json: string;
  retryAfterS?: number;
}

/** The purchase's parts as the HTTP request carries them, unread: what either route hands to `answer`. */
export interface PurchaseHttpRequest {
  activityId: string;
  body: unknown;
  idempotencyKey: string | string[] | undefined;
  /** the hidden purchase path's `Purchase-Token` header, for activities that ask for one */
  purchaseToken: string | string[] | undefined;
  /** the waiting room's `Admission-Token` header, for activities with a room */
  admissionToken: string | string[] | undefined;
  socketAddress: string | undefined;
  forwardedFor: string | string[] | undefined;
  correlationId: string;
}

/** An error's answer (made by libs/common/src/error-response.ts, the one mapping) with its body as JSON. */
export const purchaseAnswer = ({ status, body }: ErrorAnswer): PurchaseAnswer => ({
  status,
  json: JSON.stringify(body),
});

const UNAVAILABLE = purchaseAnswer(toErrorResponse(unavailable()));

/**
 * `POST /api/seckill/:activityId` from HTTP in to HTTP out, whichever server carried it (PurchaseRoute on
 * Fastify, PurchaseHotRoute on node:http): the token, the request's parts read into one Purchase, the
 * activity's window, the purchase token and the admission, the purchase, the answer. Only two steps may
 * wait: the window's read on this instance's first purchase of an activity, and the reservation; every
 * check between them answers synchronously. Refusals — most answers of a sale — are values whose JSON is
 * made once, and no step throws.
 */
@Injectable()
export class PurchaseEndpoint {
  private readonly logger = new Logger(PurchaseEndpoint.name);
  /** A refusal that carries nothing but its reason (frozen, shared) has one answer: serialised once. */
  private readonly answers = new Map<Refusal, PurchaseAnswer>();
  /** The 401 of each reason a token is refused for (a few shared values): serialised once. */
  private readonly unauthorized = new Map<TokenRefusal, PurchaseAnswer>();
  private readonly counters = new Map<string, ReturnType<typeof refusals.labels>>();
  private readonly policy: TokenPolicy;

  constructor(
    private readonly seckill: SeckillService,
    private readonly risk: RiskChecks,
    private readonly purchaseTokens: PurchaseTokens,
    private readonly admissions: AdmissionTokens,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.policy = tokenPolicy(config);
  }

  /** The buyer's id, or the 401 to send (before the body is read: a forged token is 401 whatever it sends). */
  authenticate(authorization: string | undefined): string | PurchaseAnswer {
    const buyer = readBuyerToken(authorization, this.config.JWT_SECRET, this.policy);
    if (typeof buyer === 'string') return buyer;
    this.count('UNAUTHORIZED', 'request');
    let answer = this.unauthorized.get(buyer);
    if (!answer) {
      answer = purchaseAnswer(errorAnswer(401, 'UNAUTHORIZED', buyer.refused));
      this.unauthorized.set(buyer, answer);
    }
    return answer;
  }

  async answer(buyerId: string, req: PurchaseHttpRequest): Promise<PurchaseAnswer> {
    if (req.body instanceof UnparsedBody) {
      // Fastify read a body that does not parse; it is answered now, after the token (see UnparsedBody).
      return purchaseAnswer(toErrorResponse(req.body.error));
    }
    const input = readPurchase(req.activityId, req.body, req.idempotencyKey);
    if ('invalid' in input) {
      this.count(input.invalid.code, 'request');
      return { status: 400, json: JSON.stringify(input.invalid) };
    }
    const p: Purchase = {
      activityId: input.activityId,
      userId: buyerId,
      quantity: input.quantity,
      idempotencyKey: input.idempotencyKey,
      ip: clientIp(req.socketAddress, req.forwardedFor, this.config.TRUST_PROXY),
      correlationId: req.correlationId,
      now: this.clock.now(),
      orderId: '',
    };
    let window = this.risk.cachedWindow(p.activityId);
    if (window === undefined) {
      const read = await this.firstWindow(p);
      if (read === undefined) return UNAVAILABLE;
      if (read && 'reason' in read) return this.refused(read);
      window = read;
    }
    const token = this.purchaseTokens.check(p, req.purchaseToken, window);
    if (token) return this.refused(token);
    const admitted = this.admissions.check(p, req.admissionToken, window);
    if (admitted && 'reason' in admitted) return this.refused(admitted);
    const outcome = await this.seckill.purchase(p, window);
    if (outcome.kind === 'queued') {
      if (admitted) this.admissions.done(p.activityId, admitted);
      return { status: 202, json: `{"orderId":"${outcome.orderId}","status":"QUEUED"}` };
    }
    if (outcome.kind === 'unavailable') return UNAVAILABLE;
    return this.refused(outcome.refusal);
  }

  /** This instance's first purchase of the activity: its window read behind the limits; undefined: Redis failed (503). */
  private async firstWindow(p: Purchase): Promise<ActivityWindow | null | Refusal | undefined> {
    try {
      return await this.risk.window(p.activityId, p.now, p.ip);
    } catch (err) {
      this.logger.warn({
        msg: 'reading the sale window failed',
        correlationId: p.correlationId,
        err: err instanceof Error ? err.message : String(err),
      });
      return undefined;
    }
  }

  private refused(refusal: Refusal): PurchaseAnswer {
    this.count(refusal.reason, refusal.decidedBy);
    return this.answerOf(refusal);
  }

  private answerOf(refusal: Refusal): PurchaseAnswer {
    const cached = this.answers.get(refusal);
    if (cached) return cached;
    const answer = purchaseAnswer(refusalAnswer(refusal));
    if (refusal.retryAfterMs) answer.retryAfterS = Math.max(1, Math.ceil(refusal.retryAfterMs / 1000));
    if (Object.isFrozen(refusal)) this.answers.set(refusal, answer);
    return answer;
  }

  private count(reason: string, decidedBy: string): void {
    const key = `${reason}|${decidedBy}`;
    let child = this.counters.get(key);
    if (!child) this.counters.set(key, (child = refusals.labels(reason, decidedBy)));
    child.inc();
  }
}
