import { Refusal, refuse } from '../risk/refusal';
import { ReserveOutcome } from './reservation.script';

/** The reservation script's refusals (every code but OK and DUPLICATE) as refusal values. */
export function purchaseRefusal(activityId: number, outcome: ReserveOutcome): Refusal {
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
