import { GcraLimiter } from './client-ip';

describe('GCRA rate limiter (injected clock)', () => {
  const t0 = 1_700_000_000_000;

  it('when a rested key sends `burst` requests at once, then all pass and the next waits one interval', () => {
    const limiter = new GcraLimiter({ perSecond: 10, burst: 3 });
    expect([0, 1, 2].map(() => limiter.take('ip', t0))).toEqual([0, 0, 0]);
    expect(limiter.take('ip', t0)).toBe(100);
  });

  it('when exactly one interval has passed, then one more passes; one millisecond earlier it does not', () => {
    const limiter = new GcraLimiter({ perSecond: 10, burst: 3 });
    for (let i = 0; i < 3; i++) limiter.take('ip', t0);
    expect(limiter.take('ip', t0 + 99)).toBe(1);
    expect(limiter.take('ip', t0 + 100)).toBe(0);
    expect(limiter.take('ip', t0 + 100)).toBeGreaterThan(0);
  });

  it('when a key floods steadily, then it is admitted at exactly the configured rate', () => {
    const limiter = new GcraLimiter({ perSecond: 10, burst: 1 });
    let admitted = 0;
    for (let ms = 0; ms < 1_000; ms++) if (limiter.take('ip', t0 + ms) === 0) admitted++;
    expect(admitted).toBe(10);
  });

  it('when refused, then the refusal costs nothing (no penalty for the flood itself)', () => {
    const limiter = new GcraLimiter({ perSecond: 1, burst: 1 });
    limiter.take('ip', t0);
    for (let i = 0; i < 100; i++) limiter.take('ip', t0 + 500);
    expect(limiter.take('ip', t0 + 1_000)).toBe(0);
  });

  it('when one key floods, then another key is not affected', () => {
    const limiter = new GcraLimiter({ perSecond: 1, burst: 2 });
    for (let i = 0; i < 50; i++) limiter.take('flooder', t0);
    expect(limiter.take('honest', t0)).toBe(0);
  });

  it('when the rate is 0, then the limit is off', () => {
    const limiter = new GcraLimiter({ perSecond: 0, burst: 1 });
    expect(Array.from({ length: 1_000 }, () => limiter.take('ip', t0)).every((w) => w === 0)).toBe(true);
  });

  it('when the clock goes back a little, then the key is not refilled by it', () => {
    const limiter = new GcraLimiter({ perSecond: 10, burst: 1 });
    limiter.take('ip', t0);
    expect(limiter.take('ip', t0 - 50)).toBe(150);
  });

  it('when keys are fully rested, then pruning forgets them; busy keys stay', () => {
    const limiter = new GcraLimiter({ perSecond: 10, burst: 5 });
    limiter.take('rested', t0);
    for (let i = 0; i < 5; i++) limiter.take('busy', t0 + 200);
    limiter.prune(t0 + 300);
    expect(limiter.size).toBe(1);
  });

  it('when more keys arrive than it may track, then memory stays bounded', () => {
    const limiter = new GcraLimiter({ perSecond: 1, burst: 1 }, 10);
    for (let i = 0; i < 100; i++) limiter.take(`ip-${i}`, t0);
    expect(limiter.size).toBeLessThanOrEqual(10);
  });

  it('when a throttled address is followed by 200k other addresses, then it stays throttled', () => {
    const limiter = new GcraLimiter({ perSecond: 1, burst: 3 }, 100_000);
    while (limiter.take('victim-of-its-own-flood', t0) === 0);
    let admitted = 0;
    for (let i = 0; i < 200_000; i++)
      if (limiter.take(`2001:db8::${i.toString(16)}`, t0 + 1) === 0) admitted++;
    expect(admitted).toBe(200_000);
    expect(limiter.take('victim-of-its-own-flood', t0 + 2)).toBeGreaterThan(0);
    expect(limiter.size).toBeLessThanOrEqual(100_000);
  });
});
