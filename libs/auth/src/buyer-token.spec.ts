import { sign } from 'jsonwebtoken';
import { AppError } from '@app/common';
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

describe('buyer tokens: issuer, audience and lifetime', () => {
  const policy = { issuer: 'https://id.example', audience: 'seckill', maxLifetimeSeconds: 3_600 };
  const now = () => Math.floor(Date.now() / 1000);
  // Without iat in the claims, no iat in the token (jsonwebtoken would add one).
  const token = (claims: Record<string, unknown>) =>
    `Bearer ${sign(JSON.parse(JSON.stringify({ sub: 'alice', ...claims })), secret, { noTimestamp: !('iat' in claims && claims.iat) })}`;
  const good = { iss: policy.issuer, aud: policy.audience, iat: now(), exp: now() + 600 };

  it('when iss, aud and the lifetime are as configured, then the buyer is its sub', () => {
    expect(verifyBuyerToken(token(good), secret, policy)).toBe('alice');
  });

  it('when iat is a little ahead (an issuer clock within the leeway), then the lifetime is measured from now', () => {
    expect(verifyBuyerToken(token({ ...good, iat: now() + 30, exp: now() + 3_600 }), secret, policy)).toBe(
      'alice',
    );
    const tooLong = token({ ...good, iat: now() + 30, exp: now() + 3_601 + 30 });
    expect(code(() => verifyBuyerToken(tooLong, secret, policy))).toBe('401 UNAUTHORIZED');
  });

  it('when signed by signBuyerToken with the same policy, then it is accepted', () => {
    const signed = signBuyerToken('alice', secret, 600, policy);
    expect(verifyBuyerToken(`Bearer ${signed}`, secret, policy)).toBe('alice');
  });

  it.each([
    ['no iss', { ...good, iss: undefined }],
    ['another iss', { ...good, iss: 'https://evil.example' }],
    ['no aud', { ...good, aud: undefined }],
    ['another aud', { ...good, aud: 'another-service' }],
    ['a lifetime over the maximum', { ...good, exp: good.iat + 3_601 }],
    ['no iat and an exp too far ahead', { ...good, iat: undefined, exp: now() + 7_200 }],
    // exp - iat is within the maximum, but the token is good for 30 days from now
    ['an iat in the future', { ...good, iat: now() + 30 * 86_400, exp: now() + 30 * 86_400 + 600 }],
    ['an iat just past the leeway', { ...good, iat: now() + 120, exp: now() + 600 }],
  ])('when the token has %s, then it is 401 UNAUTHORIZED', (_name, claims) => {
    expect(code(() => verifyBuyerToken(token(claims), secret, policy))).toBe('401 UNAUTHORIZED');
  });

  it.each([
    ['a wrong secret', `Bearer ${signBuyerToken('alice', 'another-secret-entirely')}`],
    ['an expired token', token({ exp: now() - 10 })],
    ['garbage', 'Bearer not-a-jwt'],
    ['another aud', token({ ...good, aud: 'x' })],
  ])('when the token has %s, then the 401 message says nothing of the library', (_name, header) => {
    let message = '';
    try {
      verifyBuyerToken(header, secret, policy);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^(invalid token|the token has expired)$/);
  });
});
