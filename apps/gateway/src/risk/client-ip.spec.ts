import { clientIp, ipLimitKey, normalizeIp } from './client-ip';

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

  it.each([
    ['the loopback written out', '0:0:0:0:0:0:0:1', '::1'],
    ['leading zeros', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['upper case', '2001:DB8::A', '2001:db8::a'],
    ['a zero run compressed elsewhere', '2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['a single zero group (never "::")', '2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['an IPv4-mapped address in hex', '::ffff:c000:0201', '192.0.2.1'],
    ['an IPv4-mapped address written out', '0:0:0:0:0:ffff:192.0.2.1', '192.0.2.1'],
    ['an upper-case mapped prefix', '::FFFF:10.0.0.1', '10.0.0.1'],
    ['a zone index', 'fe80::1%eth0', 'fe80::1'],
    ['IPv4 (kept as is)', '203.0.113.7', '203.0.113.7'],
  ])('when an address is %s, then it has one canonical spelling', (_what, spelled, canonical) => {
    expect(normalizeIp(spelled)).toBe(canonical);
  });

  it.each([['1.2.3'], ['256.1.1.1'], ['2001:db8::1::2'], ['gggg::1'], ['']])(
    'when %p is not an address, then it is refused',
    (value) => {
      expect(normalizeIp(value)).toBeNull();
    },
  );

  it('when two spellings of one address arrive through a proxy and a socket, then they are one address', () => {
    expect(clientIp('10.0.0.1', '0:0:0:0:0:0:0:1', 1)).toBe(clientIp('::1', undefined, 0));
  });

  it('when IPv6 clients are limited by a /64, then every address of one /64 shares a key and IPv4 keeps its own', () => {
    const a = ipLimitKey('2001:db8:1:2:aaaa::1', 64);
    expect(a).toBe('2001:db8:1:2::/64');
    expect(ipLimitKey('2001:db8:1:2:ffff:ffff:ffff:fffe', 64)).toBe(a);
    expect(ipLimitKey('2001:db8:1:3::1', 64)).not.toBe(a);
    expect(ipLimitKey('2001:db8:1:2::1', 128)).toBe('2001:db8:1:2::1');
    expect(ipLimitKey('2001:db8:1:2::1', 48)).toBe('2001:db8:1::/48');
    expect(ipLimitKey('2001:db8:1:2::1', 52)).toBe('2001:db8:1::/52');
    expect(ipLimitKey('2001:db8:1:f2ff::1', 52)).toBe('2001:db8:1:f000::/52');
    expect(ipLimitKey('203.0.113.7', 64)).toBe('203.0.113.7');
    expect(ipLimitKey('unknown', 64)).toBe('unknown');
  });
});
