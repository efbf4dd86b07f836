import { clientIp, normalizeIp } from './client-ip';

describe('client IP', () => {
  it('when no proxy is trusted, then X-Forwarded-For is ignored (a client could write anything there)', () => {
    expect(clientIp('10.0.0.9', '1.2.3.4', 0)).toBe('10.0.0.9');
  });

  it('when one proxy is trusted, then the client is the entry that proxy appended', () => {
    expect(clientIp('10.0.0.1', 'spoofed, 203.0.113.7', 1)).toBe('203.0.113.7');
  });

  it('when two proxies are trusted, then the client is the second entry from the right', () => {
    expect(clientIp('10.0.0.1', 'spoofed, 203.0.113.7, 10.0.0.2', 2)).toBe('203.0.113.7');
  });

  it('when the header has fewer entries than trusted hops, then its leftmost entry is used', () => {
    expect(clientIp('10.0.0.1', '203.0.113.7', 3)).toBe('203.0.113.7');
  });

  it('when the trusted entry is not an IP, or the header is missing, then the socket address is used', () => {
    expect(clientIp('10.0.0.1', 'garbage', 1)).toBe('10.0.0.1');
    expect(clientIp('10.0.0.1', undefined, 1)).toBe('10.0.0.1');
    expect(clientIp('10.0.0.1', ' , ', 1)).toBe('10.0.0.1');
  });

  it('when an address has several spellings, then it has one normalized form', () => {
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp('2001:DB8::1')).toBe('2001:db8::1');
    expect(normalizeIp('not-an-ip')).toBeNull();
    expect(clientIp('::ffff:192.0.2.1', undefined, 0)).toBe('192.0.2.1');
  });
});
