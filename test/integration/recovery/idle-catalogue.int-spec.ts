import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createService } from '@app/http';
import { CancelServiceModule } from '../../../apps/cancel-service/src/cancel-service.module';
import { GatewayModule } from '../../../apps/gateway/src/gateway.module';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';
import { closeCatalogue, openCatalogue } from '../../support/catalogue';
import { TestClients } from '../../support/clients';
import { InProcessService } from '../../support/risk-gateways';

const CATALOGUE = 200;
const WINDOW_MS = 4_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The background work of an idle stack (recovery, the rebuild check, retention, the sweeper, the gateway's
 * refresh and dashboard) follows what changes, not the catalogue: a sale event opens thousands of
 * activities at once, and most of them sit still at any moment.
 */
describe('an idle stack with many open activities', () => {
  let gateway: InProcessService;
  let orderService: NestFastifyApplication;
  let cancelService: NestFastifyApplication;
  let clients: TestClients;
  let catalogue: number[] = [];

  beforeAll(async () => {
    clients = await TestClients.connect();
    gateway = await InProcessService.start(GatewayModule);
    orderService = await createService(OrderServiceModule, 'order-service');
    cancelService = await createService(CancelServiceModule, 'cancel-service');
    await Promise.all([orderService.init(), cancelService.init()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([gateway?.close(), orderService?.close(), cancelService?.close()]);
    if (clients) await closeCatalogue(clients.db, clients.redis, catalogue);
    await clients?.close();
  });

  /** Commands Redis ran a second (INFO commandstats: every client, and the calls inside scripts). */
  async function redisCommandsPerSecond(): Promise<number> {
    const calls = async () => {
      const info = await clients.redis.info('commandstats');
      return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    const before = await calls();
    await pause(WINDOW_MS);
    return ((await calls()) - before) / (WINDOW_MS / 1000);
  }

  it(`when ${CATALOGUE} more activities open and nobody buys, then Redis serves about as many commands a second as before`, async () => {
    // A few first: what does not grow with the catalogue (a turn of 10 activities a run, the dashboard's 5
    // most recent) is then already paid; and what a start costs once is over.
    catalogue = await openCatalogue(clients.db, clients.redis, { count: 20, prefix: 'idle-catalogue' });
    await pause(3_000);
    const before = await redisCommandsPerSecond();

    catalogue.push(
      ...(await openCatalogue(clients.db, clients.redis, { count: CATALOGUE, prefix: 'idle-catalogue' })),
    );
    // What a new activity costs once (every gateway hears of it) is over by then.
    await pause(2_000);
    const after = await redisCommandsPerSecond();

    process.stdout.write(
      `idle Redis commands/s: ${Math.round(before)} before, ${Math.round(after)} with ${CATALOGUE} more open activities\n`,
    );
    // It was ~5.7 commands a second per open activity: over 1,100 more here.
    expect(Math.round(after - before)).toBeLessThan(25);
  }, 60_000);
});
