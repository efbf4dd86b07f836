import Redis from 'ioredis';
import { loadConfig } from '@app/config';
import { RedisService } from '@app/redis';
import { SoldOutFlags } from '../../../apps/gateway/src/risk/sold-out-flags';
import { range } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { PrivateRedis } from '../../support/private-redis';
import { InProcessService } from '../../support/risk-gateways';
import { ReservationScript } from '@app/stock';

/**
 * What a purchase costs Redis, read from INFO commandstats before and after.
 *
 * Commandstats count every command of the server, so the gateway gets a Redis server of its own for this
 * spec (nothing else may talk to it while it counts). Counts include the commands a script runs inside
 * (HMGET, DECRBY…), so "one round trip" is shown by comparison: N purchases through the gateway cost
 * exactly what N bare calls of the reservation script cost, and N EVALSHA.
 * The purchases are published to Kafka as usual; no order-service reads this Redis, so whichever
 * order-service consumes them dead-letters them ("no reservation"), which is harmless.
 */
type Counts = Record<string, number>;

async function commandCounts(redis: Redis): Promise<Counts> {
  const text = await redis.info('commandstats');
  const counts: Counts = {};
  for (const [, name, calls] of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts[name] = Number(calls);
  return counts;
}

/** Commands the server ran while `work` ran, by name (the INFO calls of the measurement left out). */
async function commandsDuring(redis: Redis, work: () => Promise<unknown>): Promise<Counts> {
  const before = await commandCounts(redis);
  await work();
  const after = await commandCounts(redis);
  const delta: Counts = {};
  for (const [name, calls] of Object.entries(after)) {
    const n = calls - (before[name] ?? 0);
    if (n > 0 && name !== 'info') delta[name] = n;
  }
  return delta;
}

describe('Redis calls per purchase (a private Redis server, INFO commandstats)', () => {
  let server: PrivateRedis;
  let redis: Redis;
  let gateway: InProcessService;

  beforeAll(async () => {
    server = await PrivateRedis.start('--appendonly', 'no');
    Object.assign(process.env, {
      REDIS_URL: server.url,
      // The refresh (one pipelined read per interval, whatever the traffic) is left out of the counts.
      RISK_REFRESH_INTERVAL_MS: '600000',
    });
    redis = new Redis(loadConfig().REDIS_URL);
    gateway = await InProcessService.start();
  });

  afterAll(async () => {
    await gateway?.close();
    redis?.disconnect();
    server?.stop();
  });

  it('when purchases are admitted, then each costs one Redis round trip: one EVALSHA and nothing else', async () => {
    const N = 200;
    const [viaGateway, bare] = [
      await gateway.createActivity({ stock: 1_000 }),
      await gateway.createActivity({ stock: 1_000 }),
    ];
    expect((await gateway.purchase(viaGateway, 'warm-up')).status).toBe(202); // loads the script into this server

    const gatewayCalls = await commandsDuring(redis, async () => {
      const replies = await Promise.all(range(N).map((i) => gateway.purchase(viaGateway, `buyer-${i}`)));
      expect(replies.every((r) => r.status === 202)).toBe(true);
    });
    const script = new ReservationScript({ client: redis } as RedisService, loadConfig());
    const bareCalls = await commandsDuring(redis, () =>
      Promise.all(
        range(N).map((i) =>
          script.reserve({
            activityId: bare,
            orderId: `bare-${i}`,
            userId: `buyer-${i}`,
            quantity: 1,
            now: Date.now(),
          }),
        ),
      ),
    );

    expect(gatewayCalls.evalsha).toBe(N);
    expect(gatewayCalls).toEqual(bareCalls);
    process.stdout.write(
      `${N} admitted purchases: ${gatewayCalls.evalsha} EVALSHA = ${gatewayCalls.evalsha / N} round trip each; ` +
        `commands run inside the script: ${JSON.stringify(gatewayCalls)}\n`,
    );
  });

  it('when the activity is sold out, then late purchases are refused without a single Redis command', async () => {
    const activityId = await gateway.createActivity({ stock: 5 });
    await Promise.all(range(5).map((i) => gateway.purchase(activityId, `winner-${i}`)));
    await eventually(() => gateway.get(SoldOutFlags).isSoldOut(activityId));

    const lateCalls = await commandsDuring(redis, async () => {
      const replies = await Promise.all(range(300).map((i) => gateway.purchase(activityId, `late-${i}`)));
      expect(replies.every((r) => r.status === 409 && r.body.code === 'SOLD_OUT')).toBe(true);
    });

    expect(lateCalls).toEqual({});
    process.stdout.write(
      `300 late purchases after sold out: ${JSON.stringify(lateCalls)} (no Redis command)\n`,
    );
  });

  it('when purchases aim at 1000 activity ids nobody created, then Redis reads stay within the lookup limit', async () => {
    const known = await gateway.createActivity({ stock: 10 });
    expect((await gateway.purchase(known, 'knows-the-sale')).status).toBe(202);
    const cachedPurchase = await commandsDuring(redis, () => gateway.purchase(known, 'before-the-flood'));
    const unknownIds = range(1_000).map((i) => 1_900_000_000 + i);
    let replies: { status: number; body: { code?: string } }[] = [];
    const started = Date.now();
    const calls = await commandsDuring(redis, async () => {
      replies = await Promise.all(unknownIds.map((id, i) => gateway.purchase(id, `prober-${i}`)));
    });
    const seconds = (Date.now() - started) / 1000;
    const { RATE_LIMIT_LOOKUP_BURST: burst, RATE_LIMIT_LOOKUP_PER_SECOND: rate } = loadConfig();
    expect(calls.hmget ?? 0).toBeLessThanOrEqual(Math.ceil(burst + rate * seconds));
    expect(replies.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(replies.every((r) => [404, 429].includes(r.status))).toBe(true);
    // The known activity's window is still cached: its next purchase costs what one did before the flood.
    const afterFlood = await commandsDuring(redis, () => gateway.purchase(known, 'still-served'));
    expect(afterFlood).toEqual(cachedPurchase);
    process.stdout.write(
      `1000 purchases of unknown ids in ${seconds.toFixed(2)} s: ${calls.hmget ?? 0} HMGET ` +
        `(limit ${burst} + ${rate}/s), ${replies.filter((r) => r.status === 429).length} answered 429\n`,
    );
  });
});
