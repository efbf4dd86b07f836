import { PurchaseRefused, refuse } from '../risk/refusal';
import { ReserveOutcome } from './reservation.script';

/** The reservation script's refusals as public errors (stable codes, see the OpenAPI document). */
export function purchaseRefusal(activityId: number, outcome: ReserveOutcome): PurchaseRefused {
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
