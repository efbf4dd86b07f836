import { AppError, ErrorBody, parseWith } from '@app/common';
import {
  IDEMPOTENCY_KEY_PATTERN,
  MAX_QUANTITY,
  Purchase,
  activityIdSchema,
  isActivityId,
} from '@app/contracts';
import { idempotencyKeySchema, purchaseSchema } from './purchase.dto';

/** The purchase as the HTTP request states it, once its parts are valid: a Purchase's first fields. */
export type PurchaseInput = Pick<Purchase, 'activityId' | 'quantity' | 'idempotencyKey'>;

/** 400 VALIDATION_FAILED naming each wrong field, as every other route answers (parseWith). */
export interface InvalidPurchase {
  invalid: ErrorBody;
}

/**
 * Reads the purchase route's path, body and Idempotency-Key. What a buyer's client sends (a numeric id,
 * `{"quantity": n}` or no body, a plain key) is recognised by hand, without building a zod result on every
 * purchase; anything else goes through the zod schemas, which decide. Both use the same rules
 * (libs/contracts' purchase.ts), so the two paths cannot disagree.
 */
export function readPurchase(
  activityIdParam: string,
  body: unknown,
  idempotencyKey: string | string[] | undefined,
): PurchaseInput | InvalidPurchase {
  const quantity = quantityOf(body);
  if (
    quantity !== undefined &&
    isActivityId(activityIdParam) &&
    (idempotencyKey === undefined ||
      (typeof idempotencyKey === 'string' && IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)))
  ) {
    return { activityId: Number(activityIdParam), quantity, idempotencyKey };
  }
  try {
    return {
      activityId: parseWith(activityIdSchema, activityIdParam, 'activity id'),
      quantity: parseWith(purchaseSchema.prefault({}), body, 'purchase').quantity,
      idempotencyKey: parseWith(idempotencyKeySchema, idempotencyKey, 'Idempotency-Key'),
    };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { invalid: { code: err.code, message: err.message, details: err.details } };
  }
}

/** No body, `{}`, or `{"quantity": n}` with n a whole number in range; undefined for anything else. */
function quantityOf(body: unknown): number | undefined {
  if (body === undefined) return 1;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const keys = Object.keys(body);
  if (keys.length === 0) return 1;
  const q = (body as { quantity?: unknown }).quantity;
  if (keys.length !== 1 || typeof q !== 'number') return undefined;
  return Number.isInteger(q) && q >= 1 && q <= MAX_QUANTITY ? q : undefined;
}
