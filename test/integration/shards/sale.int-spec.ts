import { Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createService } from '@app/http';
import { allShardKeys, shardOf } from '@app/stock';
import { CancelServiceModule } from '../../../apps/cancel-service/src/cancel-service.module';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';
import { TestClients, range } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { activityBody } from '../../support/api';
import { InProcessService } from '../../support/risk-gateways';

/**
 * A sale of an activity with stock shards (decision 12), through the gateway, the order-service and the
 * cancel-service in-process, on the real Redis, PostgreSQL and Kafka.
 */
describe('a sale with stock shards (home shard + leftovers moved)', () => {
  let gateway: InProcessService;
  let services: NestFastifyApplication[];
  let clients: TestClients;

  beforeAll(async () => {
    clients = await TestClients.connect();
    gateway = await InProcessService.start();
    const start = async (module: Type<unknown>, service: string) => {
      const app = await createService(module, service);
      await app.init();
      return app;
    };
    services = await Promise.all([
      start(OrderServiceModule, 'order-service'),
      start(CancelServiceModule, 'cancel-service'),
    ]);
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all((services ?? []).map((s) => s.close()));
    await clients?.close();
  });

  const shardStocks = async (id: number, shards: number) =>
    Promise.all(allShardKeys(id, shards).map(async (k) => Number(await clients.redis.get(k.stock))));
  /** Buyers whose home shard is `shard` (so that one shard runs out first). */
  const buyersOf = (prefix: string, shard: number, shards: number, n: number) =>
    range(n * shards * 8)
      .map((i) => `${prefix}-${i}`)
      .filter((u) => shardOf(u, shards) === shard)
      .slice(0, n);

  it('when 400 buyers race for 100 units over 4 shards, then exactly 100 win, no shard goes below 0, and the sale reconciles', async () => {
    const id = await gateway.createActivity({ stock: 100, stockShards: 4 });
    expect(await shardStocks(id, 4)).toEqual([25, 25, 25, 25]);
    const view = await gateway.call('GET', `/api/activities/${id}`);
    expect(view.body).toMatchObject({ stock: 100, remainingStock: 100, stockShards: 4 });

    const replies = await Promise.all(range(400).map((i) => gateway.purchase(id, `race-${id}-${i}`)));

    expect(replies.filter((r) => r.status === 202)).toHaveLength(100);
    expect(replies.filter((r) => r.body.code === 'SOLD_OUT')).toHaveLength(300);
    expect(await shardStocks(id, 4)).toEqual([0, 0, 0, 0]);
    expect((await gateway.call('GET', `/api/activities/${id}`)).body.remainingStock).toBe(0);
    await eventually(async () => expect(await clients.orders(id)).toHaveLength(100), { timeoutMs: 20_000 });
    await clients.expectReconciled(id);
  });

  it('when stockShards is out of range or above the stock, or a sharded stock is topped up, then 400 and nothing changes', async () => {
    const count = async () => Number((await clients.db.query('SELECT count(*) AS n FROM activities'))[0].n);
    const before = await count();
    for (const stockShards of [0, 17, 1.5, '2'] as unknown[]) {
      const reply = await gateway.admin('POST', '/api/activities', {
        ...activityBody({ stock: 10 }),
        stockShards,
      });
      expect([reply.status, reply.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const tooMany = await gateway.admin('POST', '/api/activities', {
      ...activityBody({ stock: 3 }),
      stockShards: 4,
    });
    expect([tooMany.status, tooMany.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await count()).toBe(before);

    const id = await gateway.createActivity({ stock: 6, stockShards: 2 });
    const topUp = await gateway.admin('PATCH', `/api/activities/${id}`, { stock: 10 });
    expect([topUp.status, topUp.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await gateway.call('GET', `/api/activities/${id}`)).body).toMatchObject({
      stock: 6,
      remainingStock: 6,
    });
  });

  it('when exactly as many buyers as units arrive 32 at a time, then every one of them wins: no unit is stranded in a shard', async () => {
    const id = await gateway.createActivity({ stock: 600, stockShards: 3 });
    let next = 0;
    const codes: Record<string, number> = {};
    await Promise.all(
      range(32).map(async () => {
        for (let i = next++; i < 600; i = next++) {
          const reply = await gateway.purchase(id, `exact-${id}-${i}`);
          const code = reply.status === 202 ? 'QUEUED' : `${reply.status} ${reply.body.code}`;
          codes[code] = (codes[code] ?? 0) + 1;
        }
      }),
    );
    expect(codes).toEqual({ QUEUED: 600 });
    expect(await shardStocks(id, 3)).toEqual([0, 0, 0]);
  });

  it('when every buyer has the same home shard, then leftovers move in and SOLD_OUT comes only once every shard is empty', async () => {
    const id = await gateway.createActivity({ stock: 20, stockShards: 4 });
    const buyers = buyersOf(`home0-${id}`, 0, 4, 24);

    const codes: (string | undefined)[] = [];
    for (const buyer of buyers) {
      const reply = await gateway.purchase(id, buyer);
      codes.push(reply.status === 202 ? 'QUEUED' : reply.body.code);
      if (reply.body.code === 'SOLD_OUT') expect(await shardStocks(id, 4)).toEqual([0, 0, 0, 0]);
    }

    expect(codes).toEqual([...Array<string>(20).fill('QUEUED'), ...Array<string>(4).fill('SOLD_OUT')]);
    // Every shard empty: the gateway's sold-out flag answers the next buyer without Redis.
    const inMemory = { reason: 'SOLD_OUT', decided_by: 'memory' };
    const refusedInMemory = await gateway.metric('seckill_purchase_refusals_total', inMemory);
    expect((await gateway.purchase(id, `late-${id}`)).body.code).toBe('SOLD_OUT');
    expect(await gateway.metric('seckill_purchase_refusals_total', inMemory)).toBe(refusedInMemory + 1);
    await eventually(async () => expect(await clients.orders(id)).toHaveLength(20), { timeoutMs: 20_000 });
    await clients.expectReconciled(id);
  });

  it('when one buyer fires 5 purchases at once while their home shard is empty, then one is admitted and the limit holds', async () => {
    const id = await gateway.createActivity({ stock: 8, stockShards: 4, perUserLimit: 2 });
    const [drainer, buyer] = buyersOf(`limit-${id}`, 1, 4, 2);
    // The home shard holds 2: one purchase of 2 empties it, the buyer's will need leftovers moved in.
    expect((await gateway.purchase(id, drainer, { quantity: 2 })).status).toBe(202);
    expect((await shardStocks(id, 4))[1]).toBe(0);

    const replies = await Promise.all(range(5).map(() => gateway.purchase(id, buyer, { quantity: 2 })));

    expect(replies.filter((r) => r.status === 202)).toHaveLength(1);
    const refused = replies.filter((r) => r.status !== 202).map((r) => r.body.code);
    expect(refused).toEqual(Array<string>(4).fill('ALREADY_PURCHASED'));
    expect((await gateway.purchase(id, drainer)).body.code).toBe('ALREADY_PURCHASED');
    await eventually(async () => expect(await clients.orders(id)).toHaveLength(2), { timeoutMs: 20_000 });
    expect((await clients.orders(id)).filter((o) => o.user_id === buyer)).toHaveLength(1);
    expect(await clients.remaining(id)).toBe(4);
    await clients.expectReconciled(id);
  });

  it('when a sold-out sharded sale’s unpaid order times out, then its unit goes back into the buyer’s home shard and sells again', async () => {
    const id = await gateway.createActivity({ stock: 3, stockShards: 3, payTimeoutSeconds: 1 });
    const buyers = buyersOf(`release-${id}`, 2, 3, 4);
    for (const buyer of buyers.slice(0, 3)) expect((await gateway.purchase(id, buyer)).status).toBe(202);
    expect((await gateway.purchase(id, buyers[3])).body.code).toBe('SOLD_OUT');

    // Nobody pays: the three orders are cancelled and their units released into shard 2, their home.
    await eventually(async () => expect(await shardStocks(id, 3)).toEqual([0, 0, 3]), { timeoutMs: 30_000 });
    await eventually(async () => expect((await gateway.purchase(id, buyers[3])).status).toBe(202), {
      timeoutMs: 10_000,
    });
    await eventually(async () => expect(await clients.orders(id)).toHaveLength(4), { timeoutMs: 20_000 });
    await clients.expectReconciled(id, 30_000);
  });
});
