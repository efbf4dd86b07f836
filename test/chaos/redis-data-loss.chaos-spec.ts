import { stockKeys } from '@app/stock';
import { copyAof, healInfrastructure, restartFromAof } from '../support/chaos-faults';
import { ChaosStack, runChaos } from '../support/chaos-stack';
import { TestClients } from '../support/clients';
import { eventually } from '../support/eventually';

// Reservations made between the AOF copy and the crash: the writes the restarted Redis has forgotten.
const FORGOTTEN_RESERVATIONS = 100;

describe('chaos: Redis loses its data in the middle of a sale (PostgreSQL is the ledger)', () => {
  let clients: TestClients;
  let stack: ChaosStack;

  beforeAll(async () => {
    clients = await TestClients.connect();
    stack = await ChaosStack.start(clients);
  });
  afterEach(async () => {
    await healInfrastructure();
  });
  afterAll(async () => {
    await stack?.stop();
    await clients?.close();
  });

  it('FLUSHALL mid-sale: the sale goes on from the ledger, no oversell; lost 202s end FAILED, counted', async () => {
    await runChaos(stack, clients, {
      name: 'FLUSHALL mid-sale',
      at: 0.3,
      allowFailed: true,
      inject: async () => void (await clients.redis.flushall()),
    });
  });

  it('restart from an older AOF mid-sale: the sale goes on from the ledger, no oversell; lost 202s end FAILED', async () => {
    await runChaos(stack, clients, {
      name: 'redis restarted from an older AOF',
      at: 0.1,
      allowFailed: true,
      inject: async ({ id }) => {
        const before = await clients.remaining(id);
        const copy = await copyAof(clients.redis);
        await eventually(
          async () => before - Number(await clients.redis.get(stockKeys(id).stock)) >= FORGOTTEN_RESERVATIONS,
          { timeoutMs: 10_000, intervalMs: 20 },
        );
        await restartFromAof(clients.redis, copy);
      },
    });
  });
});
