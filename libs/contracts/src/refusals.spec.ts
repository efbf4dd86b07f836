import { MEMORY_REFUSALS, REFUSALS, RefusalReason, refusalAnswer, refuse } from './refusals';

describe('refusals: one stable public code and status per reason', () => {
  it.each<[RefusalReason, number, string]>([
    ['NOT_FOUND', 404, 'NOT_FOUND'],
    ['NOT_STARTED', 409, 'NOT_STARTED'],
    ['ENDED', 409, 'ENDED'],
    ['SOLD_OUT', 409, 'SOLD_OUT'],
    ['ALREADY_PURCHASED', 409, 'ALREADY_PURCHASED'],
    ['BLOCKED_USER', 403, 'BLOCKED'],
    ['BLOCKED_IP', 403, 'BLOCKED'],
    ['RATE_LIMITED_IP', 429, 'RATE_LIMITED'],
    ['RATE_LIMITED_USER', 429, 'RATE_LIMITED'],
    ['ADMISSION_LIMITED', 429, 'RATE_LIMITED'],
    ['OVER_LIMIT', 400, 'VALIDATION_FAILED'],
    ['IDEMPOTENCY_KEY_REUSED', 422, 'IDEMPOTENCY_KEY_REUSED'],
    ['PURCHASE_TOKEN_MISSING', 403, 'PURCHASE_TOKEN_REQUIRED'],
    ['PURCHASE_TOKEN_USED', 403, 'PURCHASE_TOKEN_INVALID'],
    ['PURCHASE_TOKEN_EXPIRED', 403, 'PURCHASE_TOKEN_EXPIRED'],
    ['ADMISSION_MISSING', 403, 'ADMISSION_TOKEN_REQUIRED'],
    ['ADMISSION_OTHER_BUYER', 403, 'ADMISSION_TOKEN_INVALID'],
    ['ADMISSION_EXPIRED', 403, 'ADMISSION_TOKEN_EXPIRED'],
  ])('when refused for %s, then the answer is %d %s', (reason, status, code) => {
    expect(refusalAnswer(refuse(reason, 'memory'))).toMatchObject({ status, body: { code } });
  });

  it('when refused by a limit, then the answer names the limit and when to retry', () => {
    expect(refusalAnswer(refuse('ADMISSION_LIMITED', 'redis', { retryAfterMs: 50 }))).toMatchObject({
      status: 429,
      body: { details: { limit: 'admission', retryAfterMs: 50 } },
    });
  });

  it('when a refusal names its activity or order, then its message does', () => {
    expect(refusalAnswer(refuse('NOT_FOUND', 'redis', { activityId: 7 })).body.message).toBe(
      'activity 7 not found',
    );
    expect(refusalAnswer(refuse('ALREADY_PURCHASED', 'redis', { orderId: 'o-1' })).body.message).toMatch(
      /order o-1/,
    );
  });

  it('every reason has a status, a public code and a message, and a frozen in-process refusal', () => {
    for (const [reason, rule] of Object.entries(REFUSALS)) {
      expect(rule.status).toBeGreaterThanOrEqual(400);
      expect(rule.code).toMatch(/^[A-Z_]+$/);
      expect(refusalAnswer(refuse(reason as RefusalReason, 'memory')).body.message).not.toBe('');
      expect(Object.isFrozen(MEMORY_REFUSALS[reason as RefusalReason])).toBe(true);
    }
  });
});
