import { randomUUID } from 'node:crypto';

/**
 * A UUIDv7: 48 bits of Unix milliseconds, then random bits. Generated at the gateway when stock is
 * reserved, it names the order end to end (reservation, Kafka key, primary key), so every retry and
 * replay of the same purchase lands on the same row. Time-ordered ids also keep the B-tree append-only.
 * The random bits are those of a v4 UUID (Node keeps a cache of entropy for it: no system call per order),
 * with the time written over its first 48 bits and the version nibble set to 7; the variant stays RFC 9562.
 */
export function newOrderId(now = Date.now()): string {
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}
