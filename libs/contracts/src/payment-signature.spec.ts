import { signPayload, verifySignature } from './payment-signature';

describe('the signature of a payment callback', () => {
  const secret = 'whsec-for-the-spec-0123456789';
  const body = '{"id":"evt_1","type":"payment.succeeded"}';
  const now = 1_800_000_000;
  const verify = (header: string | undefined, raw = body, at = now) =>
    verifySignature(secret, raw, header, { toleranceSeconds: 300, nowSeconds: at });

  it('when the body is signed with the secret, then it verifies within the window, either side', () => {
    const header = signPayload(secret, body, now);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verify(header)).toEqual({ ok: true, timestamp: now });
    expect(verify(header, body, now + 300).ok).toBe(true);
    expect(verify(header, body, now - 300).ok).toBe(true);
  });

  it('when one byte of the body changed (even a space), then it is a mismatch', () => {
    const header = signPayload(secret, body, now);
    expect(verify(header, body.replace(':', ': '))).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify(signPayload('another-secret-0123456789', body, now))).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('when the timestamp is outside the window, then it is stale, even with a valid digest', () => {
    expect(verify(signPayload(secret, body, now - 301))).toEqual({ ok: false, reason: 'stale' });
    expect(verify(signPayload(secret, body, now + 301))).toEqual({ ok: false, reason: 'stale' });
  });

  it('when the timestamp was changed to a fresh one, then the digest no longer matches (no replay)', () => {
    const old = signPayload(secret, body, now - 3_600);
    expect(verify(old.replace(`t=${now - 3_600}`, `t=${now}`))).toEqual({ ok: false, reason: 'mismatch' });
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['v1=abc', 'malformed'],
    ['t=1,v1=zz', 'malformed'],
  ])('when the header is %j, then it is %s', (header, reason) => {
    expect(verify(header as string | undefined)).toEqual({ ok: false, reason });
  });

  it('when a rotated secret adds a second digest, then either one is enough', () => {
    const header = `${signPayload(secret, body, now)},v1=${'0'.repeat(64)}`;
    expect(verify(header).ok).toBe(true);
  });
});
