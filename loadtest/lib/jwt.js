// Buyer tokens signed inside k6 (HS256, claims sub + exp), exactly what the gateway verifies:
// no token service in the loop, and every virtual buyer can be a different user.
import { hmac } from 'k6/crypto';
import encoding from 'k6/encoding';
import { JWT_SECRET } from './config.js';

const HEADER = encoding.b64encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' }), 'rawurl');

export function buyerToken(userId, ttlSeconds = 3600) {
  const claims = { sub: userId, exp: Math.floor(Date.now() / 1000) + ttlSeconds };
  const unsigned = `${HEADER}.${encoding.b64encode(JSON.stringify(claims), 'rawurl')}`;
  return `${unsigned}.${hmac('sha256', JWT_SECRET, unsigned, 'base64rawurl')}`;
}
