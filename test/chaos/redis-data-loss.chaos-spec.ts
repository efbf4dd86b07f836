import { copyAof, healInfrastructure, restartFromAof, server } from '../support/chaos-faults';
import { ChaosStack, runChaos } from '../support/chaos-stack';
import { TestClients } from '../support/clients';
import { eventually } from '../support/eventually';

// Orders written for reservations made after the AOF copy: the restarted Redis has forgotten them.
const FORGOTTEN_ORDERS = 100;

describe('chaos: Redis loses its data in the middle of a sale (PostgreSQL is the ledger)', () => {
  let clients: TestClients;
  let stack: ChaosStack;

  /** Order ids are UUIDv7, ordered by the millisecond of their reservation. */
  const ordersReservedSince = async (activityId: number, since: number) => {
    const hex = since.toString(16).padStart(12, '0');
    const [{ count }] = await clients.db.query(
      'SELECT count(*)::int AS count FROM orders WHERE activity_id = $1 AND id::text >= $2',
      [activityId, `${hex.slice(0, 8)}-${hex.slice(8)}`],
    );
    return count;
  };

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
      redisImpaired: true, // while the activity is rebuilt
      inject: async () => void (await clients.redis.flushall()),
    });
  });

  it('restart from an older AOF mid-sale: the sale goes on from the ledger, no oversell; lost 202s end FAILED', async () => {
    const redis = await server('redis');
    await runChaos(stack, clients, {
      name: 'redis restarted from an older AOF',
      at: 0.1,
      allowFailed: true,
      redisImpaired: true,
      inject: async ({ id }) => {
        const copy = await copyAof(clients.redis);
        const copiedAt = Date.now();
        await eventually(async () => (await ordersReservedSince(id, copiedAt)) >= FORGOTTEN_ORDERS, {
          timeoutMs: 15_000,
          intervalMs: 20,
        });
        await restartFromAof(clients.redis, redis, copy);
      },
    });
  });
});
