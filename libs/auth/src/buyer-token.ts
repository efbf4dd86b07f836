import { SignOptions, sign } from 'jsonwebtoken';
import { KeyObject, createSecretKey, createHmac, timingSafeEqual } from 'node:crypto';
import { USER_ID_PATTERN } from '@app/contracts';
import { unauthorized } from '@app/common';

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

export { USER_ID_PATTERN };

const keys = new Map<string, KeyObject>();

/** The secret as a key object, made once per secret (jsonwebtoken, given the string, parses it per call). */
function secretKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

/** What a deployment asks of its identity provider's tokens beyond the signature (empty = not checked). */
export interface TokenPolicy {
  issuer?: string;
  audience?: string;
  /**
   * longest accepted lifetime: exp minus the earlier of iat and now (an iat ahead of now, within the
   * leeway verifyHs256 allows, buys no extra time; beyond it the token is refused outright)
   */
  maxLifetimeSeconds?: number;
}

/** The token policy of a configuration (JWT_ISSUER, JWT_AUDIENCE, JWT_MAX_LIFETIME_SECONDS). */
export function tokenPolicy(config: {
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  JWT_MAX_LIFETIME_SECONDS: number;
}): TokenPolicy {
  return {
    issuer: config.JWT_ISSUER || undefined,
    audience: config.JWT_AUDIENCE || undefined,
    maxLifetimeSeconds: config.JWT_MAX_LIFETIME_SECONDS,
  };
}

/** Why a buyer token was refused (the text of its 401), as a value: the purchase route does not throw. */
export interface TokenRefusal {
  refused: string;
}

const INVALID: TokenRefusal = { refused: 'invalid token' };
const EXPIRED: TokenRefusal = { refused: 'the token has expired' };
const MISSING: TokenRefusal = { refused: 'a valid bearer token is required' };

/**
 * The buyer's id (`sub`) from `Authorization: Bearer <JWT>`, or why it is refused. Only HS256 is accepted
 * (so `alg: none` and algorithm confusion are refused), `exp` is required, and the policy's issuer,
 * audience and lifetime are checked. A refusal says only "invalid token" or "the token has expired": which
 * claim or check failed helps whoever forges tokens more than whoever holds a valid one.
 */
export function readBuyerToken(
  authorization: string | undefined,
  secret: string,
  policy: TokenPolicy = {},
  nowMs = Date.now(),
): string | TokenRefusal {
  const token = bearerToken(authorization);
  if (token === undefined) return MISSING;
  const now = Math.floor(nowMs / 1000);
  const claims = verifyHs256(token, secretKey(secret), now);
  if (claims === 'expired') return EXPIRED;
  if (typeof claims === 'string' || !meetsPolicy(claims, policy, now)) return INVALID;
  const { sub } = claims;
  return typeof sub === 'string' && USER_ID_PATTERN.test(sub) ? sub : INVALID;
}

function meetsPolicy(claims: Claims, policy: TokenPolicy, now: number): boolean {
  if (policy.issuer && claims.iss !== policy.issuer) return false;
  if (policy.audience) {
    const aud = claims.aud;
    if (!(Array.isArray(aud) ? aud.includes(policy.audience) : aud === policy.audience)) return false;
  }
  if (policy.maxLifetimeSeconds !== undefined) {
    const from = typeof claims.iat === 'number' ? Math.min(claims.iat, now) : now;
    if ((claims.exp as number) - from > policy.maxLifetimeSeconds) return false;
  }
  return true;
}

/** `readBuyerToken` for callers that throw: 401 UNAUTHORIZED. */
export function verifyBuyerToken(
  authorization: string | undefined,
  secret: string,
  policy: TokenPolicy = {},
): string {
  const buyer = readBuyerToken(authorization, secret, policy);
  if (typeof buyer !== 'string') throw unauthorized(buyer.refused);
  return buyer;
}

const BEARER = /^Bearer ([^\s]+)$/i;

/** The token of `Authorization: Bearer <token>` (the scheme is case-insensitive, RFC 9110 §11.1). */
export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
}

/** The bearer token, or 401. */
export function bearer(authorization: string | undefined): string {
  const token = bearerToken(authorization);
  if (token === undefined) throw unauthorized();
  return token;
}

/** Signs a buyer token (demo, tests and load tests; a real deployment gets tokens from its identity provider). */
export function signBuyerToken(
  userId: string,
  secret: string,
  ttlSeconds = 3_600,
  policy: TokenPolicy = {},
): string {
  const options: SignOptions = { algorithm: 'HS256', expiresIn: ttlSeconds };
  if (policy.issuer) options.issuer = policy.issuer;
  if (policy.audience) options.audience = policy.audience;
  return sign({ sub: userId }, secretKey(secret), options);
}
