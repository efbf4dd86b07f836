import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature of a provider's callback, one home for both ends (the provider signs, the order-service
 * verifies). The shape of the real ones (Stripe, Adyen, PayPal all sign their webhooks): an HMAC-SHA256,
 * keyed by a secret shared out of band, over `<timestamp>.<raw body>` — the raw bytes as sent, since a
 * parsed and re-serialised body may differ by a space and no longer match. The timestamp is signed too, so
 * a captured callback cannot be replayed after the tolerance window with a fresh timestamp.
 */
export const PAYMENT_SIGNATURE_HEADER = 'payment-signature';
const SCHEME = 'v1';

export type SignatureVerdict =
  { ok: true; timestamp: number } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

function digest(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** The header value for `rawBody` signed at `timestampSeconds`: `t=<unix seconds>,v1=<hex>`. */
export function signPayload(secret: string, rawBody: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},${SCHEME}=${digest(secret, timestampSeconds, rawBody)}`;
}

/**
 * Verifies a signature header against the raw body: well formed, within `toleranceSeconds` of `nowSeconds`
 * (either way: a clock ahead is as suspicious as one behind), and one of its v1 digests matching in
 * constant time (several v1 entries are allowed, as while a secret is being rotated).
 */
export function verifySignature(
  secret: string,
  rawBody: string,
  header: string | undefined,
  {
    toleranceSeconds,
    nowSeconds = Math.floor(Date.now() / 1000),
  }: { toleranceSeconds: number; nowSeconds?: number },
): SignatureVerdict {
  if (!header) return { ok: false, reason: 'missing' };
  let timestamp: number | undefined;
  const digests: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && /^\d{1,12}$/.test(value ?? '')) timestamp = Number(value);
    else if (key === SCHEME && /^[0-9a-f]{64}$/.test(value ?? '')) digests.push(value);
  }
  if (timestamp === undefined || digests.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(digest(secret, timestamp, rawBody), 'hex');
  const matches = digests.some((d) => timingSafeEqual(Buffer.from(d, 'hex'), expected));
  return matches ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}
