import { JsonWebTokenError, sign, verify } from 'jsonwebtoken';
import { KeyObject, createSecretKey } from 'node:crypto';
import { USER_ID_PATTERN } from '@app/contracts';
import { unauthorized } from '@app/http';

export { USER_ID_PATTERN };

const keys = new Map<string, KeyObject>();

/**
 * The secret as a key object, made once. Given a string, jsonwebtoken first tries to parse it as a PEM
 * public key on every call (and fails): measured at about half of the gateway's CPU per purchase.
 */
function secretKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

/**
 * Verifies `Authorization: Bearer <JWT>` and returns the buyer's id (`sub`).
 * Only HS256 is accepted (so `alg: none` and algorithm confusion are refused), and `exp` is required.
 */
export function verifyBuyerToken(authorization: string | undefined, secret: string): string {
  const token = bearer(authorization);
  let claims: unknown;
  try {
    claims = verify(token, secretKey(secret), { algorithms: ['HS256'] });
  } catch (err) {
    throw unauthorized(
      err instanceof JsonWebTokenError || err instanceof Error
        ? `invalid token: ${err.message}`
        : 'invalid token',
    );
  }
  const { sub, exp } = (claims ?? {}) as { sub?: unknown; exp?: unknown };
  if (typeof exp !== 'number') throw unauthorized('invalid token: exp is required');
  if (typeof sub !== 'string' || !USER_ID_PATTERN.test(sub)) {
    throw unauthorized('invalid token: sub must be 1-64 letters, digits or ._@:-');
  }
  return sub;
}

/** The token of `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1). */
export function bearer(authorization: string | undefined): string {
  const match = /^Bearer ([^\s]+)$/i.exec(authorization ?? '');
  if (!match) throw unauthorized();
  return match[1];
}

/** Signs a buyer token (demo, tests and load tests; a real deployment gets tokens from its identity provider). */
export function signBuyerToken(userId: string, secret: string, ttlSeconds = 3_600): string {
  return sign({ sub: userId }, secret, { algorithm: 'HS256', expiresIn: ttlSeconds });
}
