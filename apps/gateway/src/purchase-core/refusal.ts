import { AppError, ErrorBody } from '@app/common';
import { AdmissionRefusal, TokenVerdict, admissionAnswer, tokenAnswer } from './paper-answers';
import type { ReserveOutcome } from '../seckill/reservation.script';

/** Why a purchase was refused, finer than the public code (metrics and logs use it). */
export type RefusalReason =
  | 'NOT_FOUND'
  | 'NOT_STARTED'
  | 'ENDED'
  | 'SOLD_OUT'
  | 'BLOCKED_USER'
  | 'BLOCKED_IP'
  | 'RATE_LIMITED_IP'
  | 'RATE_LIMITED_USER'
  | 'ADMISSION_LIMITED'
  | 'LOOKUP_LIMITED'
  | 'PURCHASE_TOKEN'
  | 'ADMISSION'
  | 'ALREADY_PURCHASED'
  | 'OVER_LIMIT'
  | 'IDEMPOTENCY_KEY_REUSED';

/** Where the refusal was decided: in this process (no Redis call) or by the reservation script. */
export type DecidedBy = 'memory' | 'redis';

/**
 * A refused purchase, as a value: most answers of a flash sale are refusals, so they are returned, not
 * thrown (no Error, no stack trace), and turned into HTTP once, by `refusalAnswer`.
 */
export interface Refusal {
  readonly reason: RefusalReason;
  readonly decidedBy: DecidedBy;
  readonly activityId?: number;
  /** ALREADY_PURCHASED: the order the buyer holds */
  readonly orderId?: string;
  /** rate limits: when a retry could be admitted (sent as Retry-After) */
  readonly retryAfterMs?: number;
  /** PURCHASE_TOKEN: what was wrong with it */
  readonly token?: TokenVerdict;
  /** ADMISSION: what was wrong with the waiting room's admission token */
  readonly admission?: AdmissionRefusal;
}

export function refuse(
  reason: RefusalReason,
  decidedBy: DecidedBy,
  extra: { activityId?: number; orderId?: string; retryAfterMs?: number } = {},
): Refusal {
  return { reason, decidedBy, ...extra };
}

/**
 * The refusals that carry nothing but their reason, made once (the sold-out answer above all). Frozen: a
 * frozen refusal is always the same answer, which the purchase route serialises only once.
 */
export const MEMORY_REFUSALS = {
  SOLD_OUT: Object.freeze(refuse('SOLD_OUT', 'memory')),
  BLOCKED_USER: Object.freeze(refuse('BLOCKED_USER', 'memory')),
  BLOCKED_IP: Object.freeze(refuse('BLOCKED_IP', 'memory')),
  NOT_STARTED: Object.freeze(refuse('NOT_STARTED', 'memory')),
  ENDED: Object.freeze(refuse('ENDED', 'memory')),
} as const;

export interface RefusalAnswer {
  status: number;
  body: ErrorBody;
}

const tooMany = (limit: string, message: string, retryAfterMs = 0): RefusalAnswer => ({
  status: 429,
  body: { code: 'RATE_LIMITED', message, details: { limit, retryAfterMs } },
});

/** The public answer of each reason (see docs/openapi.yaml). */
export function refusalAnswer(r: Refusal): RefusalAnswer {
  switch (r.reason) {
    case 'NOT_FOUND':
      return { status: 404, body: { code: 'NOT_FOUND', message: `activity ${r.activityId} not found` } };
    case 'NOT_STARTED':
      return { status: 409, body: { code: 'NOT_STARTED', message: 'the sale has not started yet' } };
    case 'ENDED':
      return { status: 409, body: { code: 'ENDED', message: 'the sale has ended' } };
    case 'SOLD_OUT':
      return { status: 409, body: { code: 'SOLD_OUT', message: 'sold out' } };
    case 'BLOCKED_USER':
      return { status: 403, body: { code: 'BLOCKED', message: 'this buyer may not purchase' } };
    case 'BLOCKED_IP':
      return { status: 403, body: { code: 'BLOCKED', message: 'purchases from this address are blocked' } };
    case 'RATE_LIMITED_IP':
      return tooMany('ip', 'too many purchases from this address; slow down', r.retryAfterMs);
    case 'RATE_LIMITED_USER':
      return tooMany('user', 'too many purchase attempts by this buyer; slow down', r.retryAfterMs);
    case 'ADMISSION_LIMITED':
      return tooMany(
        'admission',
        'the sale is admitting buyers at its maximum rate; retry shortly',
        r.retryAfterMs,
      );
    case 'LOOKUP_LIMITED':
      return tooMany(
        'lookup',
        'too many purchases of activities not seen yet; retry shortly',
        r.retryAfterMs,
      );
    case 'PURCHASE_TOKEN':
      return tokenAnswer(r.token!);
    case 'ADMISSION':
      return admissionAnswer(r.admission!);
    case 'ALREADY_PURCHASED':
      return {
        status: 409,
        body: { code: 'ALREADY_PURCHASED', message: `you already hold order ${r.orderId} in this activity` },
      };
    case 'OVER_LIMIT':
      return {
        status: 400,
        body: { code: 'VALIDATION_FAILED', message: 'quantity exceeds the per-user limit of this activity' },
      };
    case 'IDEMPOTENCY_KEY_REUSED':
      return {
        status: 422,
        body: {
          code: 'IDEMPOTENCY_KEY_REUSED',
          message: 'this Idempotency-Key was used for a different request',
        },
      };
  }
}

/** A refusal as an error, for the routes that answer by throwing (the Nest controllers). */
export function refusalError(r: Refusal): AppError {
  const { status, body } = refusalAnswer(r);
  return new AppError(body.code, status, body.message, body.details);
}

/** The reservation script's refusals (every code but OK and DUPLICATE) as refusal values. */
export function scriptRefusal(activityId: number, outcome: ReserveOutcome): Refusal {
  const { code, orderId, retryAfterMs } = outcome;
  switch (code) {
    case 'KEY_REUSED':
      return refuse('IDEMPOTENCY_KEY_REUSED', 'redis');
    case 'SOLD_OUT':
    case 'ALREADY_PURCHASED':
    case 'NOT_STARTED':
    case 'ENDED':
    case 'OVER_LIMIT':
    case 'RATE_LIMITED_USER':
    case 'ADMISSION_LIMITED':
      return refuse(code, 'redis', { orderId, retryAfterMs });
    default:
      return refuse('NOT_FOUND', 'redis', { activityId });
  }
}
