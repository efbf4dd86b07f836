import { stockKeys } from '@app/stock';
import {
  PROXIES,
  copyAof,
  healInfrastructure,
  restartFromAof,
  server,
  toxiproxy,
} from '../support/chaos-faults';
import { reservedAt } from '../support/chaos-history';
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

  /** Reservations made at or after `since` (by their order ids, UUIDv7: the gateway's millisecond). */
  const reservationsSince = async (activityId: number, since: number) =>
    (await clients.redis.hkeys(stockKeys(activityId).reservations)).filter((id) => reservedAt(id) >= since)
      .length;

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

  it('restart from an older AOF while the order-service is down: it notices at its start, no oversell; lost 202s end FAILED, none in silence', async () => {
    const redis = await server('redis');
    await runChaos(stack, clients, {
      name: 'redis restarted from an older AOF while the order-service was down',
      at: 0.1,
      allowFailed: true,
      redisImpaired: true,
      inject: async ({ id }) => {
        await stack.down('order-service');
        const copy = await copyAof(clients.redis);
        const copiedAt = Date.now();
        // Their requests wait in Kafka; the Redis that comes back has never heard of them.
        await eventually(async () => (await reservationsSince(id, copiedAt)) >= FORGOTTEN_ORDERS, {
          timeoutMs: 15_000,
          intervalMs: 20,
        });
        await restartFromAof(clients.redis, redis, copy);
        await stack.up('order-service');
      },
    });
  });

  it('lost abandons: replies black-holed, then Redis restarted from an AOF that holds the 503s’ reservations but not their abandons; no 503 becomes an order', async () => {
    const redis = await server('redis');
    await runChaos(stack, clients, {
      name: 'redis replies lost, then their abandons lost with the AOF',
      allowFailed: true,
      redisImpaired: true,
      patienceMs: 8_000,
      inject: async ({ id }) => {
        const toxic = await toxiproxy().addToxic(PROXIES.redis, {
          type: 'timeout',
          attributes: { timeout: 0 },
        });
        let copy: string;
        try {
          // Scripts run, replies never come: 503s whose reservations stand until the gateway can abandon them.
          await new Promise((resolve) => setTimeout(resolve, 3_000));
          copy = await copyAof(clients.redis);
        } finally {
          await toxiproxy().removeToxic(PROXIES.redis, toxic);
        }
        await eventually(async () => (await clients.reservationsIn(id, 'U')) > 0, { timeoutMs: 15_000 });
        await restartFromAof(clients.redis, redis, copy);
      },
    });
  });
});
