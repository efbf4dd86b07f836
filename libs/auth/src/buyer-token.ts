import { sign } from 'jsonwebtoken';
import { KeyObject, createSecretKey } from 'node:crypto';
import { USER_ID_PATTERN } from '@app/contracts';
import { unauthorized } from '@app/http';
import { verifyHs256 } from './hs256';

export { USER_ID_PATTERN };

const keys = new Map<string, KeyObject>();

/** The secret as a key object, made once per secret. */
function secretKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

/** Why a buyer token was refused (the text of its 401), as a value: the purchase route does not throw. */
export interface TokenRefusal {
  refused: string;
}

/**
 * The buyer's id (`sub`) from `Authorization: Bearer <JWT>`, or why it is refused.
 * Only HS256 is accepted (so `alg: none` and algorithm confusion are refused), and `exp` is required.
 */
export function readBuyerToken(
  authorization: string | undefined,
  secret: string,
  nowMs = Date.now(),
): string | TokenRefusal {
  const token = bearerToken(authorization);
  if (token === undefined) return { refused: 'a valid bearer token is required' };
  const claims = verifyHs256(token, secretKey(secret), Math.floor(nowMs / 1000));
  if (typeof claims === 'string') return { refused: `invalid token: ${claims}` };
  const { sub } = claims;
  if (typeof sub !== 'string' || !USER_ID_PATTERN.test(sub)) {
    return { refused: 'invalid token: sub must be 1-64 letters, digits or ._@:-' };
  }
  return sub;
}

/** `readBuyerToken` for callers that throw: 401 UNAUTHORIZED. */
export function verifyBuyerToken(authorization: string | undefined, secret: string): string {
  const buyer = readBuyerToken(authorization, secret);
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

/**
 * Signs a buyer token (demo, tests and load tests; a real deployment gets tokens from its identity provider).
 * With the key object: given the string, jsonwebtoken tries it as a PEM key first, ~2 ms per token here.
 */
export function signBuyerToken(userId: string, secret: string, ttlSeconds = 3_600): string {
  return sign({ sub: userId }, secretKey(secret), { algorithm: 'HS256', expiresIn: ttlSeconds });
}
