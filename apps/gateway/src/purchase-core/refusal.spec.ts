import { RefusalReason, refusalAnswer, refuse } from './refusal';

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
  ])('when refused for %s, then the answer is %d %s', (reason, status, code) => {
    expect(refusalAnswer(refuse(reason, 'memory'))).toMatchObject({ status, body: { code } });
  });

  it('when refused by a limit, then the answer names the limit and when to retry', () => {
    expect(refusalAnswer(refuse('ADMISSION_LIMITED', 'redis', { retryAfterMs: 50 }))).toMatchObject({
      status: 429,
      body: { details: { limit: 'admission', retryAfterMs: 50 } },
    });
  });
});
