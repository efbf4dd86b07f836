import { isIPv4, isIPv6 } from 'node:net';
import { AppConfig } from '@app/config';

// The client, as the per-IP checks see it: the rate limiter (GCRA), the per-IP limit built on it, and the
// client's address that keys it.

/**
 * GCRA (generic cell rate algorithm), the rate limiter of the per-IP check; reserve.lua runs the same
 * formula for the per-user check. Why GCRA: one number of state per key (the theoretical arrival time,
 * TAT), an exact steady rate with a burst allowance, and no boundary effect — a fixed window admits twice
 * its limit across a window edge, a sliding log keeps one entry per request.
 *
 * Each admitted request pushes TAT one interval (1/rate) further; a request is admitted while TAT, after
 * that push, is at most `burst` intervals ahead of now. Refusals leave the state alone (no penalty).
 */
export interface RateLimit {
  /** steady requests per second; 0 turns the limit off */
  perSecond: number;
  /** requests admitted at once from a rested state */
  burst: number;
}

export class GcraLimiter {
  private readonly tat = new Map<string, number>();
  private readonly interval: number;

  constructor(
    private readonly limit: RateLimit,
    /** keys tracked at most: beyond it the least indebted are forgotten (memory stays bounded under a flood) */
    private readonly maxKeys = 100_000,
  ) {
    this.interval = limit.perSecond > 0 ? 1000 / limit.perSecond : 0;
  }

  /** @returns 0 when admitted, else how long (ms) until this key would be admitted */
  take(key: string, now: number): number {
    if (this.interval === 0) return 0;
    const next = Math.max(this.tat.get(key) ?? now, now) + this.interval;
    const admittedFrom = next - this.interval * this.limit.burst;
    if (now < admittedFrom) return Math.ceil(admittedFrom - now);
    if (!this.tat.has(key) && this.tat.size >= this.maxKeys) this.makeRoom(now);
    this.tat.set(key, next);
    return 0;
  }

  /** Drops keys that are fully rested (TAT in the past): they behave exactly like unknown keys. */
  prune(now: number): void {
    for (const [key, tat] of this.tat) if (tat <= now) this.tat.delete(key);
  }

  get size(): number {
    return this.tat.size;
  }

  /**
   * Forgets rested keys, else the tenth of the keys with the earliest TAT: those closest to rested, so
   * forgetting them gives the least back. Forgetting the oldest inserted instead let a throttled address
   * be reset by any 100k fresh ones (rotating IPv6 addresses cost nothing). Sorting 100k numbers once per
   * tenth of the table filled keeps the cost per new key small.
   */
  private makeRoom(now: number): void {
    this.prune(now);
    if (this.tat.size < this.maxKeys) return;
    const tats = Float64Array.from(this.tat.values()).sort();
    const cut = tats[Math.max(0, Math.floor(tats.length / 10) - 1)];
    for (const [key, tat] of this.tat) if (tat <= cut) this.tat.delete(key);
  }
}

/**
 * The per-IP limit (RATE_LIMIT_IP_*), of purchases (RiskChecks) and of the public reads (ReadLimitGuard):
 * an IPv4 client by its address, an IPv6 client by its network (RATE_LIMIT_IPV6_PREFIX, a /64 by
 * default), so that rotating through the addresses of one network buys nothing. In process, per instance.
 */
export class IpRateLimit {
  private readonly limiter: GcraLimiter;
  private readonly ipv6Prefix: number;

  constructor(
    config: Pick<AppConfig, 'RATE_LIMIT_IP_PER_SECOND' | 'RATE_LIMIT_IP_BURST' | 'RATE_LIMIT_IPV6_PREFIX'>,
  ) {
    this.limiter = new GcraLimiter({
      perSecond: config.RATE_LIMIT_IP_PER_SECOND,
      burst: config.RATE_LIMIT_IP_BURST,
    });
    this.ipv6Prefix = config.RATE_LIMIT_IPV6_PREFIX;
  }

  /** @returns 0 when admitted, else how long (ms) until this client would be */
  take(ip: string, now: number): number {
    return this.limiter.take(ipLimitKey(ip, this.ipv6Prefix), now);
  }

  /** Forgets rested clients. */
  prune(now: number): void {
    this.limiter.prune(now);
  }
}

/**
 * The buyer's IP, as the per-IP limit and the IP blacklist see it: one canonical spelling (normalizeIp).
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

const MAPPED = '::ffff:';

/**
 * One spelling per address, so that an address is one key whichever way it is written: IPv4 as is,
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`, `::ffff:102:304`) as IPv4, any other IPv6 in the RFC 5952 form
 * (lower case, no leading zeros, the longest run of zero groups as `::`), without a zone index.
 * IPv4 (and IPv4 mapped, as a dual-stack socket reports it) is the common case and costs one check.
 */
export function normalizeIp(value: string): string | null {
  const v = value.trim();
  if (!v.includes(':')) return isIPv4(v) ? v : null;
  if (v.startsWith(MAPPED) && isIPv4(v.slice(MAPPED.length))) return v.slice(MAPPED.length);
  const groups = ipv6Groups(v);
  if (!groups) return null;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return formatIpv6(groups);
}

/**
 * The key an address is rate-limited by: an IPv4 address itself; an IPv6 address's network of
 * `ipv6Prefix` bits (RATE_LIMIT_IPV6_PREFIX), written `<network>/<bits>` — a host usually gets a whole /64
 * and may rotate through it at no cost, so counting single IPv6 addresses limits nothing.
 * `ip` is a normalizeIp result (or "unknown").
 */
export function ipLimitKey(ip: string, ipv6Prefix: number): string {
  if (ipv6Prefix >= 128 || !ip.includes(':')) return ip;
  const groups = ipv6Groups(ip);
  if (!groups) return ip;
  const network = groups.map((g, i) => {
    const bits = Math.min(16, Math.max(0, ipv6Prefix - i * 16));
    return g & ((0xffff << (16 - bits)) & 0xffff);
  });
  return `${formatIpv6(network)}/${ipv6Prefix}`;
}

/** The eight 16-bit groups of an IPv6 address (zone index dropped), or null when it is not one. */
function ipv6Groups(value: string): number[] | null {
  const zone = value.indexOf('%');
  const v = zone === -1 ? value : value.slice(0, zone);
  if (!isIPv6(v)) return null;
  const [head, tail] = v.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').flatMap(group) : []);
  const left = parse(head);
  const right = parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

/** One group, or the two groups of a dotted IPv4 tail. */
function group(part: string): number[] {
  if (!part.includes('.')) return [parseInt(part, 16)];
  const [a, b, c, d] = part.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

/** RFC 5952: hex without leading zeros, the longest run (of two or more) of zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let [best, bestLength] = [-1, 1];
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > bestLength) [best, bestLength] = [i, end - i];
    i = end;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best === -1) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}
