/**
 * Every refusal of a purchase, by the one name it has from the Lua script that may emit it to the metric
 * label (`seckill_purchase_refusals_total{reason}`), with its public answer (docs/openapi.yaml): HTTP
 * status, stable `code`, message and, for the limits, which limit. Most answers of a flash sale are
 * refusals: they are values (no Error, no stack), turned into HTTP once, from this table.
 *
 * Adding a refusal touches two files: this table, and the code that refuses — libs/stock/src/reserve.lua
 * for one the reservation script decides (libs/stock/src/reservation-codes.spec.ts checks that every code
 * the script returns is here), or the in-process check that returns it.
 */
interface RefusalRule {
  readonly status: number;
  readonly code: string;
  /** a plain message, or one naming the refusal's activity / order */
  readonly message: string | ((r: Refusal) => string);
  /** 429s: which limit refused (`details.limit`, with `details.retryAfterMs`) */
  readonly limit?: 'ip' | 'user' | 'admission' | 'lookup';
}

const tokenInvalid = (message: string) => ({ status: 403, code: 'PURCHASE_TOKEN_INVALID', message });
const admissionInvalid = (message: string) => ({ status: 403, code: 'ADMISSION_TOKEN_INVALID', message });

export const REFUSALS = {
  NOT_FOUND: {
    status: 404,
    code: 'NOT_FOUND',
    message: (r: Refusal) => `activity ${r.activityId} not found`,
  },
  NOT_STARTED: { status: 409, code: 'NOT_STARTED', message: 'the sale has not started yet' },
  ENDED: { status: 409, code: 'ENDED', message: 'the sale has ended' },
  SOLD_OUT: { status: 409, code: 'SOLD_OUT', message: 'sold out' },
  BLOCKED_USER: { status: 403, code: 'BLOCKED', message: 'this buyer may not purchase' },
  BLOCKED_IP: { status: 403, code: 'BLOCKED', message: 'purchases from this address are blocked' },
  RATE_LIMITED_IP: {
    status: 429,
    code: 'RATE_LIMITED',
    limit: 'ip',
    message: 'too many purchases from this address; slow down',
  },
  RATE_LIMITED_USER: {
    status: 429,
    code: 'RATE_LIMITED',
    limit: 'user',
    message: 'too many purchase attempts by this buyer; slow down',
  },
  ADMISSION_LIMITED: {
    status: 429,
    code: 'RATE_LIMITED',
    limit: 'admission',
    message: 'the sale is admitting buyers at its maximum rate; retry shortly',
  },
  LOOKUP_LIMITED: {
    status: 429,
    code: 'RATE_LIMITED',
    limit: 'lookup',
    message: 'too many purchases of activities not seen yet; retry shortly',
  },
  ALREADY_PURCHASED: {
    status: 409,
    code: 'ALREADY_PURCHASED',
    message: (r: Refusal) => `you already hold order ${r.orderId} in this activity`,
  },
  OVER_LIMIT: {
    status: 400,
    code: 'VALIDATION_FAILED',
    message: 'quantity exceeds the per-user limit of this activity',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    code: 'IDEMPOTENCY_KEY_REUSED',
    message: 'this Idempotency-Key was used for a different request',
  },
  // The hidden purchase path (apps/gateway/src/defences): the Purchase-Token header. All 403.
  PURCHASE_TOKEN_MISSING: {
    status: 403,
    code: 'PURCHASE_TOKEN_REQUIRED',
    message: 'this sale needs a purchase token (POST …/token first)',
  },
  PURCHASE_TOKEN_USED: tokenInvalid('the purchase token was already used; ask for a new one'),
  PURCHASE_TOKEN_INVALID: tokenInvalid('the purchase token is not valid'),
  PURCHASE_TOKEN_OTHER_BUYER: tokenInvalid('the purchase token was issued to another buyer'),
  PURCHASE_TOKEN_OTHER_ACTIVITY: tokenInvalid('the purchase token was issued for another activity'),
  PURCHASE_TOKEN_EXPIRED: {
    status: 403,
    code: 'PURCHASE_TOKEN_EXPIRED',
    message: 'the purchase token has expired; ask for a new one',
  },
  // The waiting room (apps/gateway/src/waiting-room): the Admission-Token header. All 403.
  ADMISSION_MISSING: {
    status: 403,
    code: 'ADMISSION_TOKEN_REQUIRED',
    message: 'this sale has a waiting room: join it (POST …/queue) and buy with the admission token it gives',
  },
  ADMISSION_USED: admissionInvalid('the admission token was already used; poll for a new one'),
  ADMISSION_INVALID: admissionInvalid('the admission token is not valid'),
  ADMISSION_OTHER_BUYER: admissionInvalid('the admission token was issued to another buyer'),
  ADMISSION_OTHER_ACTIVITY: admissionInvalid('the admission token was issued for another activity'),
  ADMISSION_EXPIRED: {
    status: 403,
    code: 'ADMISSION_TOKEN_EXPIRED',
    message: 'the admission has lapsed; the slot went to the next in line',
  },
} as const satisfies Record<string, RefusalRule>;

export type RefusalReason = keyof typeof REFUSALS;

/** Where the refusal was decided: in this process (no Redis call) or by the reservation script. */
export type DecidedBy = 'memory' | 'redis';

/** A refused purchase, as a value. */
export interface Refusal {
  readonly reason: RefusalReason;
  readonly decidedBy: DecidedBy;
  readonly activityId?: number;
  /** ALREADY_PURCHASED: the order the buyer holds */
  readonly orderId?: string;
  /** the limits: when a retry could be admitted (sent as Retry-After) */
  readonly retryAfterMs?: number;
}

export function isRefusalReason(name: string): name is RefusalReason {
  return Object.prototype.hasOwnProperty.call(REFUSALS, name);
}

export function refuse(
  reason: RefusalReason,
  decidedBy: DecidedBy,
  extra: { activityId?: number; orderId?: string; retryAfterMs?: number } = {},
): Refusal {
  return { reason, decidedBy, ...extra };
}

/**
 * Each reason's refusal decided in process, made once and frozen: a frozen refusal is always the same
 * answer, which the purchase route serialises only once.
 */
export const MEMORY_REFUSALS = Object.fromEntries(
  Object.keys(REFUSALS).map((reason) => [reason, Object.freeze(refuse(reason as RefusalReason, 'memory'))]),
) as Record<RefusalReason, Refusal>;

export interface RefusalBody {
  code: string;
  message: string;
  details?: { limit: string; retryAfterMs: number };
}

/** The public answer of a refusal (see docs/openapi.yaml). */
export function refusalAnswer(r: Refusal): { status: number; body: RefusalBody } {
  const rule: RefusalRule = REFUSALS[r.reason];
  const message = typeof rule.message === 'string' ? rule.message : rule.message(r);
  const body: RefusalBody = { code: rule.code, message };
  if (rule.limit) body.details = { limit: rule.limit, retryAfterMs: r.retryAfterMs ?? 0 };
  return { status: rule.status, body };
}
