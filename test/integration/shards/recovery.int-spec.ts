import { newOrderId } from '@app/contracts';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Admin, Kafka, Producer, logLevel } from 'kafkajs';
import { loadConfig } from '@app/config';
import { OrderRequestMessage, TOPICS } from '@app/contracts';
import { createService } from '@app/http';
import { RedisService } from '@app/redis';
import {
  ReservationScript,
  STOCK_SCRIPTS,
  StockStore,
  announceSelling,
  allShardKeys,
  buyerKeys,
  moveLeftovers,
  rebuildActivity,
  shardKeys,
  shardOf,
  stockKeys,
  takeOut,
} from '@app/stock';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';
import { ReservationRecoveryService } from '../../../apps/order-service/src/recovery/reservation-recovery.service';
import { checkInvariants } from '@app/reconcile';
import { TestClients, range } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { InProcessService } from '../../support/risk-gateways';

const config = loadConfig();
const transferIn = STOCK_SCRIPTS.transferIn;

/** Crashes, duplicates and lost data on an activity with stock shards; the gateway and order-service in-process. */
describe('stock shards under crashes, duplicates and a rebuild', () => {
  let gateway: InProcessService;
  let orderService: NestFastifyApplication;
  let clients: TestClients;
  let producer: Producer;
  let admin: Admin;

  beforeAll(async () => {
    clients = await TestClients.connect();
    gateway = await InProcessService.start();
    orderService = await createService(OrderServiceModule, 'order-service');
    await orderService.init();
    const kafka = new Kafka({
      brokers: config.KAFKA_BROKERS,
      clientId: 'shards-spec',
      logLevel: logLevel.ERROR,
    });
    [producer, admin] = [kafka.producer({ idempotent: true }), kafka.admin()];
    await Promise.all([producer.connect(), admin.connect()]);
  });
  afterAll(async () => {
    await Promise.all([producer?.disconnect(), admin?.disconnect()]);
    await Promise.all([gateway?.close(), orderService?.close()]);
    await clients?.close();
  });

  const shardStocks = async (id: number, shards: number) =>
    Promise.all(allShardKeys(id, shards).map(async (k) => Number(await clients.redis.get(k.stock))));
  const recover = () => orderService.get(ReservationRecoveryService).recover(Date.now() + 60_000);
  /** `n` buyers named `prefix-<id>-<i>` admitted, their orders written (records O); returns the buyers. */
  async function sold(id: number, prefix: string, n: number): Promise<string[]> {
    const buyers = range(n).map((i) => `${prefix}-${id}-${i}`);
    for (const b of buyers) expect((await gateway.purchase(id, b)).status).toBe(202);
    await eventually(async () => expect(await clients.reservationsIn(id, 'O')).toBe(n), {
      timeoutMs: 20_000,
    });
    return buyers;
  }
  /** A request in flight (R) that Redis holds and the ledger does not: a 503's, kept by an older AOF. */
  async function inFlight(id: number, userId: string, shards: number) {
    const late = { orderId: newOrderId(), userId };
    await clients.redis.hset(
      buyerKeys(id, userId, shards).reservations,
      late.orderId,
      `R|${userId}|1|${Date.now()}`,
    );
    return late;
  }
  /**
   * Only the donor half of a transfer from shard `donor` to `home`, as a gateway killed in between leaves it
   * (after the buyer's reservation attempt in the home shard, which announced the activity to recovery).
   */
  const donorHalf = async (id: number, donor: number, home: number, shards: number, transferId: string) => {
    await announceSelling(clients.redis, [id]);
    // Stamped now by Redis's clock: the periodic recovery leaves it alone for RESERVATION_RECOVERY_AFTER_MS.
    return takeOut(clients.redis, id, { donor, home, shards }, 1, transferId);
  };

  it('when a gateway dies between the two steps of a transfer, then the units are in transit, nothing is lost, and recovery applies them once', async () => {
    const id = await gateway.createActivity({ stock: 9, stockShards: 3 });
    const { moved } = await donorHalf(id, 1, 0, 3, 'crashed-transfer');
    expect(moved).toBe(2); // half of the donor's 3
    expect(await shardStocks(id, 3)).toEqual([3, 1, 3]);
    // At once, not eventually (the periodic recovery would apply it in RESERVATION_RECOVERY_AFTER_MS):
    // the 2 in transit are counted, 7 + 2 = 9.
    const report = await checkInvariants({ redis: clients.redis, db: clients.db, activityId: id });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);

    await recover();
    await recover(); // a second pass (or the periodic one racing it) applies nothing twice

    expect(await shardStocks(id, 3)).toEqual([5, 1, 3]);
    expect(await clients.redis.hlen(shardKeys(id, 1, 3).transfersOut)).toBe(0);
    const home = shardKeys(id, 0, 3);
    await expect(
      transferIn.run(clients.redis, [home.stock, home.transfersIn, home.meta], ['crashed-transfer', 2, 0]),
    ).resolves.toBe('ALREADY');
    expect(await clients.remaining(id)).toBe(9);
    await clients.expectReconciled(id);
  });

  it('when a gateway dies after reserving in a shard and before publishing, then recovery re-publishes it from that shard', async () => {
    const id = await gateway.createActivity({ stock: 6, stockShards: 3 });
    const now = Date.now();
    const attempt = { activityId: id, orderId: newOrderId(now), userId: `lost-${id}`, quantity: 1, now };
    expect((await gateway.get(ReservationScript).reserve(attempt, 3)).code).toBe('OK');

    await recover();

    await eventually(async () => expect(await clients.orders(id)).toHaveLength(1), { timeoutMs: 20_000 });
    await eventually(async () => expect((await clients.reservation(id, attempt.orderId))?.state).toBe('O'));
    expect(await clients.redis.hexists(buyerKeys(id, attempt.userId, 3).reservations, attempt.orderId)).toBe(
      1,
    );
    await clients.expectReconciled(id);
  });

  it('when an order request is delivered again after its order was written, then there is still one order', async () => {
    const id = await gateway.createActivity({ stock: 4, stockShards: 2 });
    const { body } = await gateway.purchase(id, `twice-${id}`);
    await eventually(async () => expect((await clients.reservation(id, body.orderId!))?.state).toBe('O'));
    const reservation = (await clients.reservation(id, body.orderId!))!;
    const request: OrderRequestMessage = {
      orderId: body.orderId!,
      activityId: id,
      userId: `twice-${id}`,
      quantity: 1,
      reservedAt: reservation.reservedAt,
    };
    const value = JSON.stringify(request);
    const [sent] = await producer.send({
      topic: TOPICS.orderRequests,
      acks: -1,
      messages: [
        { key: request.orderId, value },
        { key: request.orderId, value },
      ],
    });

    await eventually(async () => {
      const [committed] = await admin.fetchOffsets({
        groupId: 'order-service',
        topics: [TOPICS.orderRequests],
      });
      const offset = committed.partitions.find((p) => p.partition === sent.partition)?.offset ?? '-1';
      expect(BigInt(offset)).toBeGreaterThan(BigInt(sent.baseOffset ?? '0') + 1n);
    });
    expect(await clients.orders(id)).toHaveLength(1);
    expect(await clients.remaining(id)).toBe(3);
    await clients.expectReconciled(id);
  });

  it('when Redis lost a sharded activity, then the rebuild puts each order in its buyer’s home shard and splits the rest, the total exact', async () => {
    const id = await gateway.createActivity({ stock: 10, stockShards: 3 });
    const buyers = await sold(id, 'rebuilt', 4);
    await donorHalf(id, 2, 0, 3, 'before-the-loss');
    await clients.redis.del(stockKeys(id).meta, ...allShardKeys(id, 3).flatMap((k) => Object.values(k)));

    const outcome = await rebuildActivity(clients.db, clients.redis, id);

    expect(outcome).toMatchObject({ remaining: 6, held: 4, liveOrders: 4 });
    const stocks = await shardStocks(id, 3);
    expect(stocks.reduce((a, b) => a + b, 0)).toBe(6);
    expect(Math.max(...stocks) - Math.min(...stocks)).toBeLessThanOrEqual(2);
    for (const b of buyers) {
      const orderId = await clients.buyerOrderId(id, b);
      expect(await clients.redis.hget(buyerKeys(id, b, 3).reservations, orderId!)).toMatch(/^O\|/);
    }
    // A transfer taken out before the rebuild can no longer be applied: the rebuild counted without it.
    const home = shardKeys(id, 0, 3);
    await expect(
      transferIn.run(clients.redis, [home.stock, home.transfersIn, home.meta], ['before-the-loss', 2, 0]),
    ).resolves.toBe('STALE');
    const replies = await Promise.all(range(8).map((i) => gateway.purchase(id, `after-${id}-${i}`)));
    expect(replies.filter((r) => r.status === 202)).toHaveLength(6);
    await eventually(async () => expect(await clients.orders(id)).toHaveLength(10), { timeoutMs: 20_000 });
    await clients.expectReconciled(id);
  });

  it('when a rebuild finds more in flight than the stock left, then a request undone later gives back no unit of it', async () => {
    const id = await gateway.createActivity({ stock: 4, stockShards: 3 });
    await sold(id, 'owed', 4);
    // a 503's reservation that Redis kept while the stock sold out in the ledger
    const late = await inFlight(id, `owed-${id}-late`, 3);

    expect(await rebuildActivity(clients.db, clients.redis, id)).toMatchObject({ remaining: 0, held: 5 });
    const stock = new StockStore({ client: clients.redis } as RedisService);
    await expect(stock.abandon(id, late.orderId, late.userId, Date.now())).resolves.toBe('undone');

    expect((await shardStocks(id, 3)).reduce((a, b) => a + b, 0)).toBe(0); // 4 units, 4 orders
  });

  // The debt goes to the first shards with requests in flight; when the excess turns out to be another
  // shard's (undone there, its unit back in that shard's stock), the two meet when leftovers move.
  it('when a shard owes units and leftovers move into it, then they pay its debt before they are for sale', async () => {
    const id = await gateway.createActivity({ stock: 4, stockShards: 3 });
    await sold(id, 'debtor', 3);
    // two requests in flight for the one unit left: one in shard 0 (which the rebuild makes owe it), one in 2
    const inShard = (shard: number, n: number) =>
      range(100)
        .map((i) => `late-${id}-${n}-${i}`)
        .find((u) => shardOf(u, 3) === shard)!;
    const owing = await inFlight(id, inShard(0, 1), 3);
    const other = await inFlight(id, inShard(2, 2), 3);
    expect(await rebuildActivity(clients.db, clients.redis, id)).toMatchObject({ remaining: 0, held: 5 });
    expect(await clients.redis.hget(shardKeys(id, 0, 3).meta, 'stockDebt')).toBe('1');

    const stock = new StockStore({ client: clients.redis } as RedisService);
    await expect(stock.abandon(id, other.orderId, other.userId, Date.now())).resolves.toBe('undone');
    // shard 2 now offers a unit the ledger has promised to shard 0's request; moved to shard 0, it pays
    await moveLeftovers(clients.redis, id, { donor: 2, home: 0, shards: 3 }, 1);
    expect(await shardStocks(id, 3)).toEqual([0, 0, 0]);
    expect(await clients.redis.hget(shardKeys(id, 0, 3).meta, 'stockDebt')).toBeNull();

    await expect(stock.abandon(id, owing.orderId, owing.userId, Date.now())).resolves.toBe('undone');
    expect((await shardStocks(id, 3)).reduce((a, b) => a + b, 0)).toBe(1); // 4 units, 3 orders
  });
});
