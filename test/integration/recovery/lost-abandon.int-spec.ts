import { randomUUID } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createService } from '@app/http';
import { ReservationScript, SellingAnnouncements, recordAbandoned, stockKeys } from '@app/stock';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';
import { ReservationRecoveryService } from '../../../apps/order-service/src/recovery/reservation-recovery.service';
import { TestClients } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { ReplyDroppingProxy } from '../../support/reply-dropping-proxy';
import { InProcessService } from '../../support/risk-gateways';

/**
 * A 503 takes nothing, even when Redis then loses the abandon that kept it true: reserve (R), the reply
 * lost (503), abandon (U), and Redis restarted from an AOF a second older, or a replica promoted, brings
 * the R back. Recovery must not turn it into an order the buyer was told did not happen.
 */
describe('a lost reply’s abandon that Redis loses (real Redis behind a proxy that loses one reply)', () => {
  let proxy: ReplyDroppingProxy;
  let gateway: InProcessService;
  let orderService: NestFastifyApplication | undefined;
  let clients: TestClients;

  beforeAll(async () => {
    proxy = await ReplyDroppingProxy.inFrontOfRedis(); // before the services read their configuration
    gateway = await InProcessService.start();
    clients = await TestClients.connect();
  }, 60_000);
  afterAll(async () => {
    await Promise.all([gateway?.close(), orderService?.close()]);
    await clients?.close();
    await proxy?.close();
  });

  /** The gateway announces an activity to recovery before its first reservation there: done first, so the
   * reply dropped below is the reservation script's. */
  const announced = (activityId: number) => gateway.get(SellingAnnouncements).pending(activityId);

  /** The order-service, started once, its recovery run as if every reservation were old enough. */
  async function recoverNow(): Promise<void> {
    if (!orderService) {
      orderService = await createService(OrderServiceModule, 'order-service');
      await orderService.init();
    }
    await orderService.get(ReservationRecoveryService).recover(Date.now() + 60_000);
  }

  it('when the abandon of a 503’s reservation is lost with Redis’s last writes, then recovery does not make it an order and its stock comes back', async () => {
    const id = await gateway.createActivity({ stock: 3 });
    const k = stockKeys(id);
    await announced(id);
    proxy.dropNextReplyTo('evalsha'); // the reservation's own reply
    const lost = await gateway.purchase(id, `lost-abandon-${id}`);
    expect(lost.status).toBe(503);
    // The reservation as the script left it, before the abandon: what an older AOF would bring back.
    const [orderId] = await eventually(async () => {
      const ids = await clients.redis.hkeys(k.reservations);
      return ids.length === 1 && ids;
    });
    await eventually(async () => expect((await clients.reservation(id, orderId))?.state).toBe('U'));
    expect(await clients.remaining(id)).toBe(3);

    // Redis loses the abandon: the record is R again, unconfirmed since the purchase, the unit taken.
    const record = (await clients.redis.hget(k.reservations, orderId))!;
    const [, userId, quantity, reservedAt] = record.split('|');
    await clients.redis
      .multi()
      .hset(k.reservations, orderId, ['R', userId, quantity, reservedAt].join('|'))
      .zadd(k.unconfirmed, reservedAt, orderId)
      .decrby(k.stock, Number(quantity))
      .exec();

    await recoverNow();

    await eventually(async () => expect((await clients.reservation(id, orderId))?.state).toBe('U'), {
      timeoutMs: 20_000,
    });
    expect(await clients.orders(id)).toEqual([]);
    expect(await clients.remaining(id)).toBe(3);
    await clients.expectReconciled(id);
  });

  it('when a retry named a 503’s reservation (ALREADY_PURCHASED) but was answered 503 too, and Redis lost both abandons, then recovery does not make it an order', async () => {
    const id = await gateway.createActivity({ stock: 3 });
    await announced(id);
    const script = gateway.get(ReservationScript);
    const userId = `unanswered-twice-${id}`;
    const first = { activityId: id, orderId: randomUUID(), userId, quantity: 1, now: Date.now() };
    const retry = { ...first, orderId: randomUUID(), now: first.now + 10 };
    // Both scripts ran, both replies were lost: Redis as an older AOF brings it back, no abandon in it.
    await expect(script.reserve(first)).resolves.toMatchObject({ code: 'OK' });
    await expect(script.reserve(retry)).resolves.toMatchObject({ code: 'ALREADY_PURCHASED' });
    // What the gateway recorded in PostgreSQL before answering each 503.
    for (const a of [first, retry]) await recordAbandoned(clients.db, a);

    await recoverNow();

    await eventually(async () => expect((await clients.reservation(id, first.orderId))?.state).toBe('U'), {
      timeoutMs: 20_000,
    });
    expect(await clients.orders(id)).toEqual([]);
    expect(await clients.remaining(id)).toBe(3);
    await clients.expectReconciled(id);
  });
});
