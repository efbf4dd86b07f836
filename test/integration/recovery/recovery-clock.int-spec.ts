import { newOrderId } from '@app/contracts';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createService } from '@app/http';
import { loadConfig } from '@app/config';
import { ReservationScript, StockStore } from '@app/stock';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';
import { ReservationRecoveryService } from '../../../apps/order-service/src/recovery/reservation-recovery.service';
import { TestClients } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { InProcessService } from '../../support/risk-gateways';

/**
 * A reservation's age is judged on one clock, Redis's: a gateway whose clock is off (within the skew the
 * script tolerates, or not) changes neither when recovery publishes a reservation nor whether a lost
 * reply's abandon comes first.
 */
describe('the age of a reservation, with a gateway whose clock is wrong', () => {
  let gateway: InProcessService;
  let orderService: NestFastifyApplication;
  let clients: TestClients;
  const config = loadConfig();

  beforeAll(async () => {
    clients = await TestClients.connect();
    gateway = await InProcessService.start();
    orderService = await createService(OrderServiceModule, 'order-service');
    await orderService.init();
  }, 60_000);
  afterAll(async () => {
    await Promise.all([gateway?.close(), orderService?.close()]);
    await clients?.close();
  });

  const reserveAt = async (activityId: number, userId: string, gatewayNow: number) => {
    const attempt = { activityId, orderId: newOrderId(gatewayNow), userId, quantity: 1, now: gatewayNow };
    expect((await gateway.get(ReservationScript).reserve(attempt)).code).toBe('OK');
    return attempt;
  };

  it('when a gateway’s clock is a minute slow, then recovery does not publish its fresh reservation at once, and its abandon still wins', async () => {
    const id = await gateway.createActivity({ stock: 3 });
    const attempt = await reserveAt(id, `slow-clock-${id}`, Date.now() - 60_000);

    await orderService.get(ReservationRecoveryService).recover();

    expect((await clients.reservation(id, attempt.orderId))?.state).toBe('R');
    const found = await gateway.get(StockStore).abandon(id, attempt.orderId, attempt.userId, attempt.now);
    expect(found).toBe('undone');
    expect(await clients.remaining(id)).toBe(3);
  });

  it('when a gateway’s clock is a minute fast, then recovery publishes its reservation once it is RESERVATION_RECOVERY_AFTER_MS old by Redis’s clock', async () => {
    const id = await gateway.createActivity({ stock: 3 });
    const attempt = await reserveAt(id, `fast-clock-${id}`, Date.now() + 60_000);
    const reserved = Date.now();

    await eventually(
      async () => {
        await orderService.get(ReservationRecoveryService).recover();
        expect((await clients.reservation(id, attempt.orderId))?.state).toBe('O');
      },
      { timeoutMs: config.RESERVATION_RECOVERY_AFTER_MS + 15_000, intervalMs: 500 },
    );
    expect(Date.now() - reserved).toBeLessThan(config.RESERVATION_RECOVERY_AFTER_MS + 10_000);
  });
});
