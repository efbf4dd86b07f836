import { sign } from 'jsonwebtoken';
import { createSecretKey } from 'node:crypto';
import { IAT_LEEWAY_SECONDS, verifyHs256 } from './buyer-token';

const secret = 'a-test-secret-of-enough-length';
const key = createSecretKey(Buffer.from(secret));
const now = 1_800_000_000;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('HS256 verification (the purchase route checks every buyer token with it)', () => {
  it('when a token signed by a standard JWT library is valid, then its claims come back', () => {
    const token = sign({ sub: 'alice', exp: now + 60 }, secret, { algorithm: 'HS256' });
    expect(verifyHs256(token, key, now)).toMatchObject({ sub: 'alice', exp: now + 60 });
  });

  it.each([
    ['expired (exp is now)', sign({ sub: 'a', exp: now }, secret), 'expired'],
    ['not valid before later', sign({ sub: 'a', exp: now + 60, nbf: now + 1 }, secret), 'not valid yet'],
    ['without exp', sign({ sub: 'a' }, secret, { noTimestamp: true }), 'exp is required'],
    [
      'issued later than now and the leeway',
      sign({ sub: 'a', iat: now + IAT_LEEWAY_SECONDS + 1, exp: now + 3_600 }, secret),
      'issued in the future',
    ],
    ['signed with another secret', sign({ sub: 'a', exp: now + 60 }, 'another-secret'), 'bad signature'],
    [
      'HS512',
      sign({ sub: 'a', exp: now + 60 }, secret, { algorithm: 'HS512' }),
      'only HS256 tokens are accepted',
    ],
    [
      'alg none',
      `${b64({ alg: 'none' })}.${b64({ sub: 'a', exp: now + 60 })}.`,
      'only HS256 tokens are accepted',
    ],
    ['two segments', 'abc.def', 'malformed'],
    ['four segments', 'a.b.c.d', 'malformed'],
    ['an empty header', '.b.c', 'malformed'],
    ['a header that is not JSON', 'bm90LWpzb24.e30.sig', 'only HS256 tokens are accepted'],
  ])('when the token is %s, then it is refused (%s)', (_name, token, why) => {
    expect(verifyHs256(token, key, now)).toBe(why);
  });

  it('when iat is ahead of now by at most the leeway (an issuer whose clock is a little fast), then it is accepted', () => {
    const token = sign({ sub: 'a', iat: now + IAT_LEEWAY_SECONDS, exp: now + 60 }, secret);
    expect(verifyHs256(token, key, now)).toMatchObject({ sub: 'a' });
  });

  it('when the payload is edited after signing, then the signature no longer matches', () => {
    const [header, , signature] = sign({ sub: 'alice', exp: now + 60 }, secret).split('.');
    expect(verifyHs256(`${header}.${b64({ sub: 'root', exp: now + 60 })}.${signature}`, key, now)).toBe(
      'bad signature',
    );
  });

  it('when the signed payload is not a JSON object, then it is refused', () => {
    const header = b64({ alg: 'HS256', typ: 'JWT' });
    const payload = Buffer.from('[1,2]').toString('base64url');
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    expect(verifyHs256(`${header}.${payload}.${signature}`, key, now)).toBe('malformed');
  });
});
