import { AppError, notFound, validationFailed } from '@app/http';

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
  | 'ALREADY_PURCHASED'
  | 'OVER_LIMIT'
  | 'IDEMPOTENCY_KEY_REUSED';

/** Where the refusal was decided: in this process (no Redis call) or by the reservation script. */
export type DecidedBy = 'memory' | 'redis';

/** A refused purchase: a public error (stable code and status) that also carries its reason. */
export class PurchaseRefused extends AppError {
  constructor(
    readonly reason: RefusalReason,
    readonly decidedBy: DecidedBy,
    base: AppError,
    /** for rate limits: when a retry could be admitted (sent as Retry-After) */
    readonly retryAfterMs?: number,
  ) {
    super(base.code, base.status, base.message, base.details);
  }
}

const tooMany = (limit: string, message: string, retryAfterMs: number) =>
  new AppError('RATE_LIMITED', 429, message, { limit, retryAfterMs });

/** The public answer of each reason (see docs/openapi.yaml). */
export function refuse(
  reason: RefusalReason,
  decidedBy: DecidedBy,
  extra: { activityId?: number; orderId?: string; retryAfterMs?: number } = {},
): PurchaseRefused {
  const wait = extra.retryAfterMs ?? 0;
  const base = (() => {
    switch (reason) {
      case 'NOT_FOUND':
        return notFound(`activity ${extra.activityId}`);
      case 'NOT_STARTED':
        return new AppError('NOT_STARTED', 409, 'the sale has not started yet');
      case 'ENDED':
        return new AppError('ENDED', 409, 'the sale has ended');
      case 'SOLD_OUT':
        return new AppError('SOLD_OUT', 409, 'sold out');
      case 'BLOCKED_USER':
        return new AppError('BLOCKED', 403, 'this buyer may not purchase');
      case 'BLOCKED_IP':
        return new AppError('BLOCKED', 403, 'purchases from this address are blocked');
      case 'RATE_LIMITED_IP':
        return tooMany('ip', 'too many purchases from this address; slow down', wait);
      case 'RATE_LIMITED_USER':
        return tooMany('user', 'too many purchase attempts by this buyer; slow down', wait);
      case 'ADMISSION_LIMITED':
        return tooMany('admission', 'the sale is admitting buyers at its maximum rate; retry shortly', wait);
      case 'LOOKUP_LIMITED':
        return tooMany('lookup', 'too many purchases of activities not seen yet; retry shortly', wait);
      case 'ALREADY_PURCHASED':
        return new AppError(
          'ALREADY_PURCHASED',
          409,
          `you already hold order ${extra.orderId} in this activity`,
        );
      case 'OVER_LIMIT':
        return validationFailed('quantity exceeds the per-user limit of this activity');
      case 'IDEMPOTENCY_KEY_REUSED':
        return new AppError(
          'IDEMPOTENCY_KEY_REUSED',
          422,
          'this Idempotency-Key was used for a different request',
        );
    }
  })();
  return new PurchaseRefused(reason, decidedBy, base, extra.retryAfterMs);
}
