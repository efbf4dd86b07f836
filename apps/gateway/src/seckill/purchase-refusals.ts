import { AppError, notFound, validationFailed } from '@app/http';
import { ReserveOutcome } from './reservation.script';

/** The reservation script's refusals as public errors (stable codes, see the OpenAPI document). */
export function purchaseRefusal(activityId: number, outcome: ReserveOutcome): AppError {
  switch (outcome.code) {
    case 'SOLD_OUT':
      return new AppError('SOLD_OUT', 409, 'sold out');
    case 'ALREADY_PURCHASED':
      return new AppError(
        'ALREADY_PURCHASED',
        409,
        `you already hold order ${outcome.orderId} in this activity`,
      );
    case 'NOT_STARTED':
      return new AppError('NOT_STARTED', 409, 'the sale has not started yet');
    case 'ENDED':
      return new AppError('ENDED', 409, 'the sale has ended');
    case 'OVER_LIMIT':
      return validationFailed('quantity exceeds the per-user limit of this activity');
    case 'KEY_REUSED':
      return new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        422,
        'this Idempotency-Key was used for a different request',
      );
    case 'NOT_FOUND':
    default:
      return notFound(`activity ${activityId}`);
  }
}
