import { generateKeyPairSync } from 'node:crypto';
import { sign } from 'jsonwebtoken';

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * `Authorization` values no buyer endpoint may accept: each is missing, malformed, forged, expired or
 * carries claims the contract refuses. `undefined` means no header at all.
 */
export function badBuyerAuthorizations(
  secret: string,
  adminToken: string,
  victim: string,
): [string, string | undefined][] {
  const valid = sign({ sub: victim }, secret, { algorithm: 'HS256', expiresIn: 600 });
  const [, validPayload, validSignature] = valid.split('.');
  const mallory = sign({ sub: 'mallory' }, secret, { algorithm: 'HS256', expiresIn: 600 });
  const [malloryHeader, , mallorySignature] = mallory.split('.');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const claims = { sub: victim, exp: now() + 600 };
  const hs256 = (payload: object, key = secret) => `Bearer ${sign(payload, key, { algorithm: 'HS256' })}`;
  return [
    ['no Authorization header', undefined],
    ['an empty Authorization header', ''],
    ['the Bearer scheme without a token', 'Bearer'],
    ['a token followed by a second word', `Bearer ${valid} extra`],
    ['Basic credentials', `Basic ${Buffer.from(`${victim}:password`).toString('base64')}`],
    ['a token that is not a JWT', 'Bearer not-a-jwt'],
    ['three empty JWT segments', 'Bearer ..'],
    ['a token signed with another secret (forged)', hs256(claims, 'an-attacker-secret-of-some-length')],
    ['an expired token', hs256({ sub: victim, exp: now() - 10 })],
    ['alg none', `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
    ['alg none keeping a real signature', `Bearer ${b64({ alg: 'none' })}.${validPayload}.${validSignature}`],
    ['HS512 with the right secret', `Bearer ${sign(claims, secret, { algorithm: 'HS512' })}`],
    ['HS384 with the right secret', `Bearer ${sign(claims, secret, { algorithm: 'HS384' })}`],
    ['RS256 (algorithm confusion)', `Bearer ${sign(claims, privateKey, { algorithm: 'RS256' })}`],
    [
      'another buyer signature on a swapped payload',
      `Bearer ${malloryHeader}.${validPayload}.${mallorySignature}`,
    ],
    [
      'a payload edited after signing',
      `Bearer ${valid.split('.')[0]}.${b64({ ...claims, sub: 'root' })}.${validSignature}`,
    ],
    ['no exp claim', hs256({ sub: victim })],
    ['no sub claim', hs256({ exp: now() + 600 })],
    ['a numeric sub', hs256({ sub: 42, exp: now() + 600 })],
    ['an empty sub', hs256({ sub: '', exp: now() + 600 })],
    ['an SQL injection in sub', hs256({ sub: "alice' OR '1'='1", exp: now() + 600 })],
    ['a Redis key separator in sub', hs256({ sub: 'alice|X|1000', exp: now() + 600 })],
    ['a Redis hash tag in sub', hs256({ sub: '{1}alice', exp: now() + 600 })],
    ['a 10 kB sub', hs256({ sub: 'a'.repeat(10_000), exp: now() + 600 })],
    ['a token not valid before next hour', hs256({ ...claims, nbf: now() + 3_600 })],
    ['the admin token used as a buyer token', `Bearer ${adminToken}`],
    ['a JWT signed with the admin token', hs256(claims, adminToken)],
    ['20 kB of garbage', `Bearer ${'x'.repeat(20_000)}`],
  ];
}

/** `Authorization` values that must not open an admin endpoint, with the status each gets. */
export function badAdminAuthorizations(
  adminToken: string,
  buyerAuthorization: string,
): [string, string | undefined, 401 | 403][] {
  return [
    ['no Authorization header', undefined, 401],
    ['the Bearer scheme without a token', 'Bearer', 401],
    ['the admin token as Basic credentials', `Basic ${adminToken}`, 401],
    ['a valid buyer token', buyerAuthorization, 403],
    ['the admin token with one more character', `Bearer ${adminToken}x`, 403],
    ['the admin token without its last character', `Bearer ${adminToken.slice(0, -1)}`, 403],
    ['the admin token in upper case', `Bearer ${adminToken.toUpperCase()}`, 403],
    [
      'a JWT signed with the admin token',
      `Bearer ${sign({ sub: 'admin' }, adminToken, { expiresIn: 60 })}`,
      403,
    ],
    [
      'an alg none JWT claiming admin',
      `Bearer ${b64({ alg: 'none' })}.${b64({ sub: 'admin', admin: true })}.`,
      403,
    ],
  ];
}
