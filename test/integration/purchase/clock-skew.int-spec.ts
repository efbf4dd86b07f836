import Redis from 'ioredis';
import { randomInt, randomUUID } from 'node:crypto';
import { loadConfig } from '@app/config';
import { RedisService } from '@app/redis';
import { ReservationScript, stockKeys } from '@app/stock';
import { dropActivityKeys } from '../../support/clients';

const HOUR = 3_600_000;

/** reserve.lua trusts a gateway's clock only within CLOCK_SKEW_MAX_MS of Redis's own (real Redis). */
describe('reservation script: a gateway with a wrong clock (real Redis)', () => {
  const config = loadConfig();
  let redis: Redis;
  const ids: number[] = [];

  beforeAll(() => {
    redis = new Redis(config.REDIS_URL);
  });
  afterAll(async () => {
    await dropActivityKeys(redis, ids);
    redis.disconnect();
  });

  async function redisNow(): Promise<number> {
    const [s, us] = await redis.time();
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  }

  async function activity(startsAt: number, endsAt: number): Promise<number> {
    const id = 1_000_000_000 + randomInt(1_000_000_000);
    ids.push(id);
    await redis.hset(stockKeys(id).meta, { startsAt, endsAt, perUserLimit: 1, stock: 100 });
    await redis.set(stockKeys(id).stock, 100);
    return id;
  }

  const script = (limits: Partial<typeof config> = {}) =>
    new ReservationScript({ client: redis } as unknown as RedisService, {
      ...config,
      RATE_LIMIT_USER_PER_SECOND: 0,
      ADMISSION_RATE_PER_SECOND: 0,
      CLOCK_SKEW_MAX_MS: 1_000,
      ...limits,
    });
  const reserve = (s: ReservationScript, activityId: number, userId: string, now: number) =>
    s.reserve({ activityId, userId, now, quantity: 1, orderId: randomUUID() });

  it('when a gateway an hour fast buys in a sale that starts in ten minutes, then it is NOT_STARTED', async () => {
    const now = await redisNow();
    const id = await activity(now + 600_000, now + 2 * HOUR);
    expect((await reserve(script(), id, 'early-bird', now + HOUR)).code).toBe('NOT_STARTED');
  });

  it('when a gateway an hour fast spends a buyer’s rate, then a gateway on time waits at most the skew more', async () => {
    const now = await redisNow();
    const id = await activity(now - HOUR, now + HOUR);
    const limited = script({ RATE_LIMIT_USER_PER_SECOND: 1, RATE_LIMIT_USER_BURST: 1 });
    expect((await reserve(limited, id, 'carol', now + HOUR)).code).toBe('OK');
    await redis.hdel(stockKeys(id).buyers, 'carol'); // a second purchase may only be refused by the limit
    const onTime = await reserve(limited, id, 'carol', await redisNow());
    expect(onTime.code).toBe('RATE_LIMITED_USER');
    expect(onTime.retryAfterMs).toBeLessThanOrEqual(2_100);
  });

  it('when the skew bound is 0, then the gateway’s clock is taken as is (the injected-clock tests)', async () => {
    const now = await redisNow();
    const id = await activity(now + 600_000, now + 2 * HOUR);
    expect((await reserve(script({ CLOCK_SKEW_MAX_MS: 0 }), id, 'trusted', now + HOUR)).code).toBe('OK');
  });
});
