import { sign } from 'jsonwebtoken';
import { AppError } from '@app/http';
import { signBuyerToken, verifyBuyerToken } from './buyer-token';

const secret = 'a-test-secret-of-enough-length';
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? `${err.status} ${err.code}` : String(err);
  }
  return 'accepted';
};

describe('buyer tokens', () => {
  it('when the token is valid, then the buyer is its sub', () => {
    expect(verifyBuyerToken(`Bearer ${signBuyerToken('alice', secret)}`, secret)).toBe('alice');
  });

  it('when the scheme is written in another case, then it is still a bearer token (RFC 9110)', () => {
    expect(verifyBuyerToken(`bearer ${signBuyerToken('alice', secret)}`, secret)).toBe('alice');
  });

  it.each([
    ['no header', undefined],
    ['not a bearer', 'Basic abc'],
    ['garbage', 'Bearer not-a-jwt'],
    ['a wrong secret', `Bearer ${signBuyerToken('alice', 'another-secret-entirely')}`],
    ['an expired token', `Bearer ${sign({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 10 }, secret)}`],
    ['no exp', `Bearer ${sign({ sub: 'alice' }, secret)}`],
    ['no sub', `Bearer ${sign({ exp: Math.floor(Date.now() / 1000) + 60 }, secret)}`],
    ['a sub with a key separator', `Bearer ${signBuyerToken('a|b', secret)}`],
    [
      'alg none',
      `Bearer ${sign({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 60 }, '', { algorithm: 'none' })}`,
    ],
    ['HS512', `Bearer ${sign({ sub: 'alice' }, secret, { algorithm: 'HS512', expiresIn: 60 })}`],
  ])('when the request has %s, then it is 401 UNAUTHORIZED', (_name, header) => {
    expect(code(() => verifyBuyerToken(header, secret))).toBe('401 UNAUTHORIZED');
  });
});
