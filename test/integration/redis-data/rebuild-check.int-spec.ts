import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createService } from '@app/http';
import { activitiesTable } from '@app/database';
import { RedisService, rebuiltRunIdKey, redisServers } from '@app/redis';
import { SELLING_ACTIVITIES_KEY, stockKeys } from '@app/stock';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';
import { RedisRebuild } from '../../../apps/order-service/src/recovery/redis-rebuild.service';
import { closeCatalogue, openCatalogue } from '../../support/catalogue';
import { TestClients } from '../../support/clients';
import { eventually } from '../../support/eventually';

// The periodic check is left to the spec's own calls.
process.env.REDIS_REBUILD_CHECK_INTERVAL_MS = '600000';

/**
 * The rebuild check follows two signals per Redis master (its run id, and a mark only a wipe removes)
 * instead of reading every open activity every second; a few open activities a run, in turn, are the
 * backstop for one that lost its keys alone.
 */
describe('the rebuild check on a catalogue of open activities', () => {
  let orderService: NestFastifyApplication;
  let clients: TestClients;
  let catalogue: number[] = [];
  let rebuild: RedisRebuild;

  beforeAll(async () => {
    clients = await TestClients.connect();
    orderService = await createService(OrderServiceModule, 'order-service');
    await orderService.init(); // its first check, at the start, reads every open activity
    rebuild = orderService.get(RedisRebuild);
    catalogue = await openCatalogue(clients.db, clients.redis, { count: 30, prefix: 'rebuild-check' });
  }, 60_000);
  afterAll(async () => {
    await orderService?.close();
    if (clients) await closeCatalogue(clients.db, clients.redis, catalogue);
    await clients?.close();
  });

  const present = async (ids: number[]) =>
    (await Promise.all(ids.map((id) => clients.redis.exists(stockKeys(id).meta)))).every((n) => n === 1);

  it('when nothing changed, then a check rebuilds nothing', async () => {
    expect(await rebuild.check()).toEqual([]);
  });

  it('when Redis is wiped, then the next check sees the mark gone and rebuilds every open activity, and recovery looks at each once', async () => {
    await clients.redis.flushall();

    const rebuilt = await rebuild.check();

    expect(rebuilt).toEqual(expect.arrayContaining(catalogue));
    expect(await present(catalogue)).toBe(true);
    const selling = await clients.redis.zmscore(SELLING_ACTIVITIES_KEY, ...catalogue.map(String));
    expect(selling.every((stamp) => stamp !== null)).toBe(true);
    expect(await rebuild.check()).toEqual([]);
  });

  it('when Redis is wiped and another instance renewed the mark and died before it checked, then this one checks every open activity', async () => {
    await clients.redis.flushall();
    await clients.redis.set('seckill:{ledger-mark-0}', 'another-instance'); // renewed, then killed

    const rebuilt = await rebuild.check();

    expect(rebuilt).toEqual(expect.arrayContaining(catalogue));
    expect(await present(catalogue)).toBe(true);
    expect(await rebuild.check()).toEqual([]);
  });

  it('when one open activity loses its keys alone, then the check comes to it in turn and rebuilds it', async () => {
    const [lost] = catalogue.slice(-1);
    await clients.redis.del(stockKeys(lost).meta, stockKeys(lost).stock);
    const [{ open }] = (await clients.db.query(
      'SELECT count(*)::int AS open FROM activities WHERE ends_at + make_interval(secs => pay_timeout_seconds) > now()',
    )) as { open: number }[];

    const rebuilt: number[] = [];
    // 10 a run: every open activity within open / 10 runs, and one more round for the wrap.
    for (let run = 0; run <= open / 10 + 1 && !rebuilt.includes(lost); run++)
      rebuilt.push(...(await rebuild.check()));

    expect(rebuilt).toEqual([lost]);
    expect(await present([lost])).toBe(true);
  });

  // The gateways hold their sales on a server they have not sold from until the ledger vouches for it.
  it('when a check has rebuilt what Redis lacked, then the server is vouched for with its own run id, and again if that is lost', async () => {
    const [server] = await redisServers(clients.redis);
    await clients.redis.flushall();

    await rebuild.check();
    expect(await clients.redis.get(rebuiltRunIdKey(server))).toBe(server.runId);

    await clients.redis.set(rebuiltRunIdKey(server), 'an older server'); // as an older AOF brings it back
    await rebuild.check();
    expect(await clients.redis.get(rebuiltRunIdKey(server))).toBe(server.runId);
  });

  // A Redis that comes back (restarted, perhaps from an older AOF) sells what it remembers until the check
  // replaces its figures: the check runs as soon as the connection is ready again, not at its next tick.
  it('when the connection to Redis comes back, then a check runs at once', async () => {
    await clients.redis.flushall(); // what the Redis that comes back lost

    orderService.get(RedisService).client.disconnect(true); // dropped, and reconnected

    await eventually(async () => expect(await present(catalogue)).toBe(true), { timeoutMs: 10_000 });
  });

  // After a restart every open activity is rebuilt, one after the other; the sale under way must not wait
  // behind the catalogue (the restarted Redis sells what it remembers until its turn).
  it('when every open activity is due, then the sales under way come first, the latest started first, and the server is vouched for before the rest', async () => {
    const at = (fromNowMs: number) => new Date(Date.now() + fromNowMs);
    const activity = (name: string, startsAt: Date) =>
      activitiesTable.insert(clients.db, {
        name,
        stock: 10,
        perUserLimit: 1,
        startsAt,
        endsAt: at(3_600_000),
        payTimeoutSeconds: 30,
      });
    const live = await activity('rebuild-check live', at(-1_000));
    const coming = await activity('rebuild-check coming', at(1_800_000)); // created last, not on sale yet
    catalogue.push(live.id, coming.id);
    // The check the reconnection above began may still be running: it ends first (joined, or one more).
    await (rebuild as unknown as { runNow(): Promise<void> }).runNow();
    await clients.redis.flushall();
    // Whether the server was vouched for (the gateways selling again) when each rebuild began.
    const [server] = await redisServers(clients.redis);
    const original = rebuild.rebuild.bind(rebuild);
    const vouched = new Map<number, boolean>();
    const spy = jest.spyOn(rebuild, 'rebuild').mockImplementation(async (id, reason) => {
      vouched.set(id, (await clients.redis.get(rebuiltRunIdKey(server))) === server.runId);
      return original(id, reason);
    });

    const rebuilt = await rebuild.check().finally(() => spy.mockRestore());

    expect(rebuilt[0]).toBe(live.id);
    expect(rebuilt.indexOf(coming.id)).toBeGreaterThan(rebuilt.indexOf(catalogue[0]));
    // The gateways sell nothing but the sales under way: they may sell again once those are rebuilt.
    expect({ live: vouched.get(live.id), coming: vouched.get(coming.id) }).toEqual({
      live: false,
      coming: true,
    });
  });
  it('when the rebuild of one sale under way fails, then the server is vouched for all the same, and the next check tries it again', async () => {
    const failing = await activitiesTable.insert(clients.db, {
      name: 'rebuild-check failing',
      stock: 10,
      perUserLimit: 1,
      startsAt: new Date(Date.now() - 1_000),
      endsAt: new Date(Date.now() + 3_600_000),
      payTimeoutSeconds: 30,
    });
    catalogue.push(failing.id);
    await (rebuild as unknown as { runNow(): Promise<void> }).runNow();
    await clients.redis.flushall();
    const [server] = await redisServers(clients.redis);
    const original = rebuild.rebuild.bind(rebuild);
    const spy = jest
      .spyOn(rebuild, 'rebuild')
      .mockImplementation((id, reason) =>
        id === failing.id ? Promise.reject(new Error('a rebuild that fails')) : original(id, reason),
      );

    await expect(rebuild.check().finally(() => spy.mockRestore())).rejects.toThrow('a rebuild that fails');

    expect(await clients.redis.get(rebuiltRunIdKey(server))).toBe(server.runId); // the gateways sell again
    expect(await present(catalogue.filter((id) => id !== failing.id))).toBe(true);
    expect(await rebuild.check()).toContain(failing.id);
    expect(await present([failing.id])).toBe(true);
  });
});
