import { Logger } from '@nestjs/common';
import { AppError, unavailable } from './app-error';
import { answerThrown, errorAnswer, toErrorResponse } from './error-response';

describe('the one mapping of failures to HTTP', () => {
  const logger = () => {
    const lines: unknown[][] = [];
    const log = { error: (...args: unknown[]) => lines.push(args) } as unknown as Logger;
    return { log, lines };
  };

  it('when an answer is made as a value, then it has the shape a thrown error of that code would get', () => {
    expect(errorAnswer(503, 'UNAVAILABLE', unavailable().message)).toEqual({
      ...toErrorResponse(unavailable()),
      internal: undefined,
    });
    expect(errorAnswer(401, 'UNAUTHORIZED', 'invalid token')).toEqual({
      status: 401,
      body: { code: 'UNAUTHORIZED', message: 'invalid token' },
    });
  });

  it('when a typed error is thrown, then its code and status are answered and nothing is logged', () => {
    const { log, lines } = logger();
    const answer = answerThrown(new AppError('SOLD_OUT', 409, 'sold out', { left: 0 }), log, {});
    expect(answer).toEqual({
      status: 409,
      body: { code: 'SOLD_OUT', message: 'sold out', details: { left: 0 } },
    });
    expect(lines).toEqual([]);
  });

  it('when something unexpected is thrown, then the client gets a bare 500 and the log gets it with the request', () => {
    const { log, lines } = logger();
    const answer = answerThrown(new Error('secret detail'), log, { correlationId: 'trace-9' });
    expect(answer).toEqual({ status: 500, body: { code: 'INTERNAL', message: 'internal error' } });
    expect(lines).toEqual([
      [
        { msg: 'unhandled error', correlationId: 'trace-9', err: 'secret detail' },
        expect.stringContaining('Error'),
      ],
    ]);
  });
});
