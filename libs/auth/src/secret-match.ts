import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether a given secret (a bearer token, an API key) is the configured one, compared in constant time:
 * both sides hashed first, so neither their content nor their length shows in the time taken.
 */
export function secretMatcher(secret: string): (given: string) => boolean {
  const expected = digest(secret);
  return (given) => timingSafeEqual(digest(given), expected);
}
