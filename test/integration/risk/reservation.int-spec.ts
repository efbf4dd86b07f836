import Redis from 'ioredis';
import { randomInt, randomUUID } from 'node:crypto';
import { AppConfig, loadConfig } from '@app/config';
import { RedisService } from '@app/redis';
import {
  RESERVATION_STATES,
  ReservationScript,
  ReserveReply,
  SALE_CHANNELS,
  StockStore,
  stockKeys,
} from '@app/stock';
import { dropActivityKeys } from '../../support/clients';
import { eventually } from '../../support/eventually';

/**
 * The Redis half of the risk chain, inside reserve.lua: the per-user limit (GCRA) and the admission token
 * bucket. The gateway passes its clock as an argument, so these tests inject `now` and step over every
 * boundary to the millisecond, against the real Redis, without sleeping.
 */
const T0 = 1_800_000_000_000;

describe('reservation script: per-user limit and admission bucket (real Redis, injected clock)', () => {
  const config = loadConfig();
  let redis: Redis;
  let subscriber: Redis;
  const activityIds: number[] = [];

  beforeAll(() => {
    redis = new Redis(config.REDIS_URL);
    subscriber = new Redis(config.REDIS_URL);
  });

  afterAll(async () => {
    await dropActivityKeys(redis, activityIds);
    redis.disconnect();
    subscriber.disconnect();
  });

  /** An activity straight in Redis (as warm-up leaves it), open around T0, with an id no other test uses. */
  async function activity(stock: number, perUserLimit = 1): Promise<number> {
    const id = 1_000_000_000 + randomInt(1_000_000_000);
    activityIds.push(id);
    const k = stockKeys(id);
    await redis.hset(k.meta, { startsAt: T0 - 60_000, endsAt: T0 + 3_600_000, perUserLimit, stock });
    await redis.set(k.stock, stock);
    return id;
  }

  /** The script as the gateway runs it, with these limits. */
  function script(limits: Partial<AppConfig>) {
    const connection = {
      get client() {
        return redis;
      },
    } as RedisService; // redis connects in beforeAll
    const reservations = new ReservationScript(connection, {
      ...config,
      RATE_LIMIT_USER_PER_SECOND: 0,
      ADMISSION_RATE_PER_SECOND: 0,
      // T0 is far from Redis's clock on purpose: these tests step an injected clock (clock-skew spec: the bound).
      CLOCK_SKEW_MAX_MS: 0,
      ...limits,
    });
    return (activityId: number, userId: string, now: number, quantity = 1): Promise<ReserveReply> =>
      reservations.reserve({ activityId, userId, now, quantity, orderId: randomUUID() });
  }

  describe('per-user limit (GCRA: 10 per second, burst 3)', () => {
    const reserve = script({ RATE_LIMIT_USER_PER_SECOND: 10, RATE_LIMIT_USER_BURST: 3 });

    it('when a buyer sends 3 attempts at once, then all 3 are judged and the 4th is RATE_LIMITED for one interval', async () => {
      const id = await activity(10);
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await reserve(id, 'eager', T0)).code);
      expect(codes).toEqual(['OK', 'ALREADY_PURCHASED', 'ALREADY_PURCHASED', 'RATE_LIMITED_USER']);
      expect(await reserve(id, 'eager', T0)).toMatchObject({ code: 'RATE_LIMITED_USER', retryAfterMs: 100 });
    });

    it('when one interval minus 1 ms has passed, then still limited; at exactly one interval, one more passes', async () => {
      const id = await activity(10);
      for (let i = 0; i < 3; i++) await reserve(id, 'eager', T0);
      expect(await reserve(id, 'eager', T0 + 99)).toMatchObject({
        code: 'RATE_LIMITED_USER',
        retryAfterMs: 1,
      });
      expect((await reserve(id, 'eager', T0 + 100)).code).toBe('ALREADY_PURCHASED');
      expect((await reserve(id, 'eager', T0 + 100)).code).toBe('RATE_LIMITED_USER');
    });

    it('when one buyer floods, then the others are not affected, nor the same buyer in another activity', async () => {
      const [id, other] = [await activity(10), await activity(10)];
      for (let i = 0; i < 20; i++) await reserve(id, 'flooder', T0);
      expect((await reserve(id, 'honest', T0)).code).toBe('OK');
      expect((await reserve(other, 'flooder', T0)).code).toBe('OK');
    });

    it('when the buyer has rested, then its limiter key expires from Redis by itself', async () => {
      const slow = script({ RATE_LIMIT_USER_PER_SECOND: 0.1, RATE_LIMIT_USER_BURST: 1 });
      const id = await activity(10);
      await slow(id, 'once', T0);
      const ttl = await redis.pttl(`seckill:{${id}}:rate:user:once`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(10_000); // one interval: after it, the key would say nothing anyway
    });
  });

  describe('admission bucket (10 tokens per second, burst 2)', () => {
    const reserve = script({ ADMISSION_RATE_PER_SECOND: 10, ADMISSION_BURST: 2 });

    it('when a burst is larger than the burst setting, then the whole stock is still admitted at once (capacity ≥ stock)', async () => {
      const id = await activity(50);
      const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => reserve(id, `b${i}`, T0)));
      expect(outcomes.every((o) => o.code === 'OK')).toBe(true);
    });

    it('when the bucket is empty, then the next admission waits for a token, refilled at the rate', async () => {
      const id = await activity(3);
      for (const buyer of ['a', 'b', 'c']) expect((await reserve(id, buyer, T0)).code).toBe('OK');
      await topUp(id, 3); // stock is back (as after a top-up) but the bucket is empty

      expect(await reserve(id, 'd', T0)).toMatchObject({ code: 'ADMISSION_LIMITED', retryAfterMs: 100 });
      expect(await reserve(id, 'd', T0 + 99)).toMatchObject({ code: 'ADMISSION_LIMITED', retryAfterMs: 1 });
      expect((await reserve(id, 'd', T0 + 100)).code).toBe('OK');
      expect((await reserve(id, 'e', T0 + 100)).code).toBe('ADMISSION_LIMITED');
    });

    it('when the bucket rests long, then it holds no more than its capacity', async () => {
      const id = await activity(3);
      await reserve(id, 'a', T0);
      await topUp(id, 10); // capacity is now max(2, 13) = 13
      const later = T0 + 60_000;
      const codes = await Promise.all(Array.from({ length: 13 }, (_, i) => reserve(id, `r${i}`, later)));
      expect(codes.filter((o) => o.code === 'OK')).toHaveLength(12); // 12 units left, all admitted
      expect(await redis.hget(`seckill:{${id}}:admission`, 'tokens')).toBe('1.000000');
    });

    it('when a purchase is refused for another reason, then it spends no token', async () => {
      const id = await activity(2);
      const oneToken = script({ ADMISSION_RATE_PER_SECOND: 1, ADMISSION_BURST: 1 });
      expect((await oneToken(id, 'a', T0)).code).toBe('OK');
      for (let i = 0; i < 5; i++) expect((await oneToken(id, 'a', T0)).code).toBe('ALREADY_PURCHASED');
      expect((await oneToken(id, 'b', T0, 5)).code).toBe('OVER_LIMIT');
      expect((await oneToken(id, 'b', T0)).code).toBe('OK');
    });

    async function topUp(id: number, units: number) {
      const k = stockKeys(id);
      await redis.incrby(k.stock, units);
      await redis.hincrby(k.meta, 'stock', units);
    }
  });

  describe('the sold-out channel', () => {
    const reserve = script({});
    const messages: string[] = [];

    beforeAll(async () => {
      await subscriber.subscribe(SALE_CHANNELS.stock);
      subscriber.on('message', (_channel, message) => messages.push(message));
    });

    it('when the last unit is sold, then the script announces it; when a release brings stock back from 0, the release does', async () => {
      const id = await activity(2);
      const first = await reserve(id, 'a', T0);
      expect(first).toMatchObject({ code: 'OK', remaining: 1 });
      const last = await reserve(id, 'b', T0);
      expect(last).toMatchObject({ code: 'OK', remaining: 0 });
      await eventually(() => expect(messages).toContain(`${id}:0`));

      const store = new StockStore({ client: redis } as RedisService);
      await store.release(
        id,
        { orderId: first.orderId, userId: 'a' },
        [RESERVATION_STATES.RESERVED],
        RESERVATION_STATES.RELEASED,
      );
      await eventually(() => expect(messages).toContain(`${id}:1`));
      await store.release(
        id,
        { orderId: last.orderId, userId: 'b' },
        [RESERVATION_STATES.RESERVED],
        RESERVATION_STATES.RELEASED,
      );
      // Messages on a channel keep their order: once this marker arrives, anything the 1 → 2 release
      // could have published would have arrived before it.
      await redis.publish(SALE_CHANNELS.stock, `${id}:marker`);
      await eventually(() => expect(messages).toContain(`${id}:marker`));
      expect(messages.filter((m) => m.startsWith(`${id}:`))).toEqual([`${id}:0`, `${id}:1`, `${id}:marker`]);
    });

    it('when a buyer asks for more than is left, then SOLD_OUT shows what is left (the activity is not sold out)', async () => {
      const id = await activity(1, 2);
      expect(await reserve(id, 'big', T0, 2)).toMatchObject({ code: 'SOLD_OUT', remaining: 1 });
    });
  });

  it('when the limits are off (0), then the script behaves as without them', async () => {
    const reserve = script({});
    const id = await activity(100);
    const codes = [];
    for (let i = 0; i < 30; i++) codes.push((await reserve(id, 'same', T0)).code);
    expect(codes.filter((c) => c === 'ALREADY_PURCHASED')).toHaveLength(29);
    expect(await redis.exists(`seckill:{${id}}:admission`)).toBe(0);
  });
});
