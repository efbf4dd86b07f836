import { newOrderId } from '@app/contracts';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createService } from '@app/http';
import { ReservationScript, SELLING_ACTIVITIES_KEY } from '@app/stock';
import { signBuyerToken } from '@app/auth';
import { loadConfig } from '@app/config';
import { GatewayModule } from '../../../apps/gateway/src/gateway.module';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';
import { OrderIntakeService } from '../../../apps/order-service/src/order-requests/order-intake.service';
import { closeCatalogue, openCatalogue } from '../../support/catalogue';
import { TestClients } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { InProcessService } from '../../support/risk-gateways';

// Read by the in-process services' configuration: a finished activity retires a second after its pay window.
Object.assign(process.env, { ACTIVITY_RETENTION_SECONDS: '1', ACTIVITY_RETENTION_INTERVAL_MS: '200' });

/**
 * Retirement (keys expire, the activity leaves the set recovery scans) meets recovery (an unpublished
 * reservation is published after RESERVATION_RECOVERY_AFTER_MS): an activity retires only once nothing of
 * it is in flight, and a retired one stays retired.
 */
describe('retirement of a finished activity and the recovery of its reservations', () => {
  let gateway: InProcessService;
  let orderService: NestFastifyApplication;
  let clients: TestClients;

  beforeAll(async () => {
    clients = await TestClients.connect();
    gateway = await InProcessService.start(GatewayModule);
    orderService = await createService(OrderServiceModule, 'order-service');
    await orderService.init();
  }, 60_000);
  afterAll(async () => {
    await Promise.all([gateway?.close(), orderService?.close()]);
    await clients?.close();
  });

  const keysOf = (id: number) => clients.redis.keys(`seckill:{${id}}:*`);
  const inActiveSet = async (id: number) =>
    (await clients.redis.zscore(SELLING_ACTIVITIES_KEY, String(id))) !== null;

  /** A 202 whose request never reached Kafka (Kafka unreachable, the gateway gone): only its reservation. */
  async function unpublishedReservation(activityId: number, userId: string): Promise<string> {
    const now = Date.now();
    const attempt = { activityId, orderId: newOrderId(now), userId, quantity: 1, now };
    expect((await gateway.get(ReservationScript).reserve(attempt)).code).toBe('OK');
    return attempt.orderId;
  }

  it('when a 202 of the last seconds was not published and the pay window is over, then retention waits, recovery publishes it, it becomes an order, and only then the activity retires', async () => {
    const id = await gateway.createActivity({ stock: 2, payTimeoutSeconds: 1 });
    const buyer = `last-second-${id}`;
    const orderId = await unpublishedReservation(id, buyer);
    expect((await gateway.admin('PATCH', `/api/activities/${id}`, { endNow: true })).status).toBe(200);

    await eventually(async () => expect(await clients.orders(id)).toHaveLength(1), { timeoutMs: 25_000 });
    const [order] = await clients.orders(id);
    expect(order.id).toBe(orderId);
    await eventually(async () => expect(await inActiveSet(id)).toBe(false), { timeoutMs: 25_000 });
    await eventually(async () => expect(await keysOf(id)).toEqual([]), { timeoutMs: 25_000 });
    const { status, body } = await gateway.call('GET', `/api/seckill/${id}/result`, {
      headers: { authorization: `Bearer ${signBuyerToken(buyer, loadConfig().JWT_SECRET)}` },
    });
    expect(status).toBe(200);
    // Keys retired: the gateway no longer knows the reservation, and says so rather than QUEUED.
    expect(body.status).not.toBe('QUEUED');
  });

  it('when a reservation was made but its announcement never landed and the activity is over, then retention has recovery publish it', async () => {
    // Open activities ahead of it: recovery's turns (a few a run, by id) do not reach it before it is over.
    const ahead = await openCatalogue(clients.db, clients.redis, { count: 100, prefix: 'ahead' });
    const id = await gateway.createActivity({ stock: 2, payTimeoutSeconds: 1 });
    const orderId = await unpublishedReservation(id, `unannounced-${id}`);
    // The announcement lost (a gateway killed between the two writes, another cluster node down): recovery
    // does not know of the activity, and its turns over open activities end with the pay window.
    await clients.redis.zrem(SELLING_ACTIVITIES_KEY, String(id));
    expect((await gateway.admin('PATCH', `/api/activities/${id}`, { endNow: true })).status).toBe(200);

    try {
      await eventually(async () => expect((await clients.orders(id)).map((o) => o.id)).toEqual([orderId]), {
        timeoutMs: 25_000,
      });
    } finally {
      await closeCatalogue(clients.db, clients.redis, ahead);
    }
  });

  it('when an old order request of a retired activity is delivered again, then nothing of the activity comes back to Redis', async () => {
    const id = await gateway.createActivity({ stock: 2, payTimeoutSeconds: 1 });
    const buyer = `replayed-${id}`;
    const bought = await gateway.purchase(id, buyer);
    expect(bought.status).toBe(202);
    await eventually(async () => expect(await clients.orders(id)).toHaveLength(1), { timeoutMs: 20_000 });
    expect((await gateway.admin('PATCH', `/api/activities/${id}`, { endNow: true })).status).toBe(200);
    await eventually(async () => expect(await keysOf(id)).toEqual([]), { timeoutMs: 25_000 });
    // Recovery lets it go SELLING_HOLD_MS after the gateway last announced it.
    await eventually(async () => expect(await inActiveSet(id)).toBe(false), { timeoutMs: 25_000 });

    const replay = {
      orderId: bought.body.orderId!,
      activityId: id,
      userId: buyer,
      quantity: 1,
      reservedAt: 0,
    };
    await orderService.get(OrderIntakeService).accept([replay]);

    expect(await keysOf(id)).toEqual([]);
    expect(await inActiveSet(id)).toBe(false);
    expect(await clients.orders(id)).toHaveLength(1);
  });
});
