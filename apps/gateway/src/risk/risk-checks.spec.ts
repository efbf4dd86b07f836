import { AppConfig } from '@app/config';
import { RedisService } from '@app/redis';
import { ActivityWindows } from './activity-windows';
import { Blacklist } from './blacklist';
import { Refusal, refusalAnswer } from '../purchase-core/refusal';
import { PurchaseAttempt, RiskChecks } from './risk-checks';
import { SoldOutFlags } from './sold-out-flags';

const T0 = 1_700_000_000_000;

function chain(ipLimit = { perSecond: 1, burst: 2 }, lookups = { perSecond: 0, burst: 1 }) {
  const hmget = jest.fn(async () => [String(T0 - 1_000), String(T0 + 60_000)]);
  const windows = new ActivityWindows({ client: { hmget } } as unknown as RedisService);
  const soldOut = new SoldOutFlags();
  const blacklist = new Blacklist();
  const config = {
    RATE_LIMIT_IP_PER_SECOND: ipLimit.perSecond,
    RATE_LIMIT_IP_BURST: ipLimit.burst,
    RATE_LIMIT_IPV6_PREFIX: 64,
    RATE_LIMIT_LOOKUP_PER_SECOND: lookups.perSecond,
    RATE_LIMIT_LOOKUP_BURST: lookups.burst,
  } as AppConfig;
  const checks = new RiskChecks(config, windows, soldOut, blacklist);
  return { checks, windows, soldOut, blacklist, hmget };
}

const attempt = (over: Partial<PurchaseAttempt> = {}): PurchaseAttempt => ({
  activityId: 1,
  userId: 'alice',
  ip: '192.0.2.1',
  now: T0,
  idempotent: false,
  ...over,
});

async function refusal(screened: Refusal | undefined | Promise<Refusal | undefined>): Promise<string> {
  const r = await screened;
  if (!r) return 'admitted';
  const { status, body } = refusalAnswer(r);
  return `${status} ${body.code} ${r.reason}`;
}

describe('risk chain (in process)', () => {
  it('when nothing is wrong, then the purchase goes on to Redis', async () => {
    await expect(refusal(chain().checks.screen(attempt()))).resolves.toBe('admitted');
  });

  it('when the sale has not started or has ended, then it is refused before anything else', async () => {
    const { checks, soldOut, blacklist } = chain();
    soldOut.applyChange(1, 0);
    blacklist.replace({ version: 1, entries: [{ kind: 'user', value: 'alice', reason: '', addedAt: '' }] });
    await expect(refusal(checks.screen(attempt({ now: T0 - 1_001 })))).resolves.toBe(
      '409 NOT_STARTED NOT_STARTED',
    );
    await expect(refusal(checks.screen(attempt({ now: T0 + 60_000 })))).resolves.toBe('409 ENDED ENDED');
  });

  it('when sold out, then SOLD_OUT, unless the purchase carries an Idempotency-Key (its first answer is in Redis)', async () => {
    const { checks, soldOut } = chain();
    soldOut.applyChange(1, 0);
    await expect(refusal(checks.screen(attempt()))).resolves.toBe('409 SOLD_OUT SOLD_OUT');
    await expect(refusal(checks.screen(attempt({ idempotent: true })))).resolves.toBe('admitted');
  });

  it('when the user or the IP is blacklisted, then 403 BLOCKED with the reason', async () => {
    const { checks, blacklist } = chain();
    blacklist.replace({
      version: 1,
      entries: [
        { kind: 'user', value: 'bot', reason: '', addedAt: '' },
        { kind: 'ip', value: '198.51.100.9', reason: '', addedAt: '' },
      ],
    });
    await expect(refusal(checks.screen(attempt({ userId: 'bot' })))).resolves.toBe(
      '403 BLOCKED BLOCKED_USER',
    );
    await expect(refusal(checks.screen(attempt({ ip: '198.51.100.9' })))).resolves.toBe(
      '403 BLOCKED BLOCKED_IP',
    );
  });

  it('when one IP exceeds its burst, then 429 for that IP only, and it passes again after one interval', async () => {
    const { checks } = chain({ perSecond: 1, burst: 2 });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await refusal(checks.screen(attempt())));
    expect(results).toEqual(['admitted', 'admitted', '429 RATE_LIMITED RATE_LIMITED_IP']);
    await expect(refusal(checks.screen(attempt({ ip: '192.0.2.2' })))).resolves.toBe('admitted');
    await expect(refusal(checks.screen(attempt({ now: T0 + 999 })))).resolves.toMatch(/429/);
    await expect(refusal(checks.screen(attempt({ now: T0 + 1_000 })))).resolves.toBe('admitted');
  });

  it('when refused by the rate limit, then the refusal says when to retry', async () => {
    const { checks } = chain({ perSecond: 4, burst: 1 });
    await checks.screen(attempt());
    const refused = (await checks.screen(attempt({ now: T0 + 50 })))!;
    expect(refused).toMatchObject({ retryAfterMs: 200 });
    expect(refusalAnswer(refused).body).toMatchObject({ details: { limit: 'ip', retryAfterMs: 200 } });
  });

  it('when a refusal happens early in the chain, then the later checks spend nothing (the IP budget is kept)', async () => {
    const { checks, soldOut, windows } = chain({ perSecond: 1, burst: 1 });
    await windows.get(1);
    soldOut.applyChange(1, 0);
    for (let i = 0; i < 10; i++) await refusal(checks.screen(attempt()));
    soldOut.applyChange(1, 5);
    await expect(refusal(checks.screen(attempt()))).resolves.toBe('admitted');
  });

  it('when an activity is not cached, then the IP limit is spent before Redis is read', async () => {
    const { checks, hmget } = chain({ perSecond: 1, burst: 1 });
    await checks.screen(attempt({ activityId: 7 }));
    const refused = await refusal(checks.screen(attempt({ activityId: 8 })));
    expect(refused).toBe('429 RATE_LIMITED RATE_LIMITED_IP');
    expect(hmget).toHaveBeenCalledTimes(1);
  });

  it('when callers from many addresses try ids not cached, then reads stop at the lookup limit', async () => {
    const { checks, hmget } = chain({ perSecond: 0, burst: 1 }, { perSecond: 1, burst: 3 });
    const results = [];
    for (let i = 0; i < 10; i++) {
      results.push(await refusal(checks.screen(attempt({ activityId: 100 + i, ip: `192.0.2.${i}` }))));
    }
    expect(results.filter((r) => r === '429 RATE_LIMITED LOOKUP_LIMITED')).toHaveLength(7);
    expect(hmget).toHaveBeenCalledTimes(3);
  });
});
