import { KeyObject, createHmac, timingSafeEqual } from 'node:crypto';

/** The header every accepted token carries: HS256 only, so `alg: none` and algorithm confusion fail. */
const ALGORITHM = 'HS256';

/** How far ahead of this clock a token's `iat` may be: the issuer's clock may run a little fast. */
export const IAT_LEEWAY_SECONDS = 60;

export type Claims = Record<string, unknown>;

/**
 * Verifies a compact JWS signed with HMAC-SHA256 and returns its claims, or why it is refused.
 * Written out (some 30 lines of the RFC 7515 / 7519 rules a buyer token needs) rather than taken from a
 * general JWT library because it runs on every purchase: no streams, no exceptions for a bad token, one HMAC.
 * Times are checked as the RFC says: `exp` in the past or `nbf` in the future refuses the token; so does an
 * `iat` further ahead than IAT_LEEWAY_SECONDS, which would otherwise stretch a lifetime measured from it.
 */
export function verifyHs256(token: string, key: KeyObject, nowSeconds: number): Claims | string {
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  if (firstDot <= 0 || secondDot <= firstDot + 1 || token.indexOf('.', secondDot + 1) !== -1) {
    return 'malformed';
  }
  const header = decodeJson(token.slice(0, firstDot));
  if (header?.alg !== ALGORITHM) return 'only HS256 tokens are accepted';
  const signature = Buffer.from(token.slice(secondDot + 1), 'base64url');
  const expected = createHmac('sha256', key).update(token.slice(0, secondDot)).digest();
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return 'bad signature';
  const claims = decodeJson(token.slice(firstDot + 1, secondDot));
  if (!claims) return 'malformed';
  if (typeof claims.exp !== 'number') return 'exp is required';
  if (nowSeconds >= claims.exp) return 'expired';
  if (typeof claims.nbf === 'number' && nowSeconds < claims.nbf) return 'not valid yet';
  if (typeof claims.iat === 'number' && claims.iat > nowSeconds + IAT_LEEWAY_SECONDS)
    return 'issued in the future';
  return claims;
}

/** Signs claims as a compact JWS (HS256): the gateway's own short-lived tokens, checked by `verifyHs256`. */
export function signHs256(claims: Claims, key: KeyObject): string {
  const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

const HEADER = Buffer.from(JSON.stringify({ alg: ALGORITHM, typ: 'JWT' })).toString('base64url');

/** A base64url segment holding a JSON object, or null. */
function decodeJson(segment: string): Claims | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Claims) : null;
  } catch {
    return null;
  }
}
