import { SignOptions, TokenExpiredError, sign, verify } from 'jsonwebtoken';
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

/** What a deployment asks of its identity provider's tokens beyond the signature (empty = not checked). */
export interface TokenPolicy {
  issuer?: string;
  audience?: string;
  /** longest accepted lifetime: exp - iat, or exp - now for a token without iat */
  maxLifetimeSeconds?: number;
}

/**
 * Verifies `Authorization: Bearer <JWT>` and returns the buyer's id (`sub`).
 * Only HS256 is accepted (so `alg: none` and algorithm confusion are refused), and `exp` is required.
 * A refusal says only "invalid token" or "the token has expired": the library's reason (which claim,
 * which check) helps whoever forges tokens more than whoever holds a valid one.
 */
export function verifyBuyerToken(
  authorization: string | undefined,
  secret: string,
  policy: TokenPolicy = {},
): string {
  const token = bearer(authorization);
  let claims: unknown;
  try {
    claims = verify(token, secretKey(secret), {
      algorithms: ['HS256'],
      ...(policy.issuer ? { issuer: policy.issuer } : {}),
      ...(policy.audience ? { audience: policy.audience } : {}),
    });
  } catch (err) {
    throw unauthorized(err instanceof TokenExpiredError ? 'the token has expired' : 'invalid token');
  }
  const { sub, exp, iat } = (claims ?? {}) as { sub?: unknown; exp?: unknown; iat?: unknown };
  if (typeof exp !== 'number') throw unauthorized('invalid token');
  if (policy.maxLifetimeSeconds !== undefined) {
    const from = typeof iat === 'number' ? iat : Math.floor(Date.now() / 1000);
    if (exp - from > policy.maxLifetimeSeconds) throw unauthorized('invalid token');
  }
  if (typeof sub !== 'string' || !USER_ID_PATTERN.test(sub)) throw unauthorized('invalid token');
  return sub;
}

/** The token of `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1). */
export function bearer(authorization: string | undefined): string {
  const match = /^Bearer ([^\s]+)$/i.exec(authorization ?? '');
  if (!match) throw unauthorized();
  return match[1];
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
  return sign({ sub: userId }, secret, options);
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
