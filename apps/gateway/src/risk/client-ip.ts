import { isIP } from 'node:net';

/**
 * The buyer's IP, as the per-IP limit and the IP blacklist see it.
 *
 * `X-Forwarded-For` is written by whoever sent the request, so it is ignored unless the gateway runs
 * behind proxies it trusts (TRUST_PROXY = how many). Each trusted proxy appends the address it received
 * the request from, so the client is the entry `trustedHops` from the right; anything further left was
 * supplied by the client and could be anything.
 */
export function clientIp(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedHops: number,
): string {
  const socket = normalizeIp(socketAddress ?? '') ?? 'unknown';
  if (trustedHops === 0 || forwardedFor === undefined) return socket;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (hops.length === 0) return socket;
  const candidate = hops[Math.max(0, hops.length - trustedHops)];
  return normalizeIp(candidate) ?? socket;
}

/** One spelling per address: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as IPv4, IPv6 in lower case. */
export function normalizeIp(value: string): string | null {
  const v = value.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v);
  if (mapped) return mapped[1];
  return isIP(v) ? v : null;
}
