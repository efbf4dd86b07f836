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
import { ChaosFault } from '../support/chaos-stack';
import { Chaos, describeChaos } from '../support/chaos-suite';
import { TestClients } from '../support/clients';
import { eventually } from '../support/eventually';

// Orders written for reservations made after the AOF copy: the restarted Redis has forgotten them.
const FORGOTTEN_ORDERS = 100;
// Redis lost acknowledged writes: a 202 may end FAILED (counted), and 503 is a fair answer meanwhile.
const LOST = { allowFailed: true, redisImpaired: true };

/** Order ids are UUIDv7, ordered by the millisecond of their reservation. */
async function ordersReservedSince(clients: TestClients, activityId: number, since: number) {
  const hex = since.toString(16).padStart(12, '0');
  const [{ count }] = await clients.db.query(
    'SELECT count(*)::int AS count FROM orders WHERE activity_id = $1 AND id::text >= $2',
    [activityId, `${hex.slice(0, 8)}-${hex.slice(8)}`],
  );
  return count as number;
}

/** Reservations made at or after `since` (by their order ids, UUIDv7: the gateway's millisecond). */
async function reservationsSince(clients: TestClients, activityId: number, since: number) {
  return (await clients.redis.hkeys(stockKeys(activityId).reservations)).filter(
    (id) => reservedAt(id) >= since,
  ).length;
}

/**
 * Redis restarted from a copy of its AOF taken early in the sale, once FORGOTTEN_ORDERS made after the copy
 * are counted by `since`; `orderServiceDown`: the order-service is down from before the copy until then;
 * `stockShards`: the activity's stock is in that many shards.
 */
const olderAof =
  (name: string, since: typeof reservationsSince, orderServiceDown = false, stockShards?: number) =>
  async ({ stack, clients }: Chaos): Promise<ChaosFault> => {
    const redis = await server('redis');
    return {
      name,
      at: 0.1,
      ...LOST,
      stockShards,
      inject: async ({ id }) => {
        if (orderServiceDown) await stack.down('order-service');
        const copy = await copyAof(clients.redis);
        const copiedAt = Date.now();
        await eventually(async () => (await since(clients, id, copiedAt)) >= FORGOTTEN_ORDERS, {
          timeoutMs: 15_000,
          intervalMs: 20,
        });
        await restartFromAof(clients.redis, redis, copy);
        if (orderServiceDown) await stack.up('order-service');
      },
    };
  };

/** Replies black-holed for 3 s, then Redis restarted from an AOF copied before the gateway could abandon. */
async function abandonsLost({ clients }: Chaos): Promise<ChaosFault> {
  const redis = await server('redis');
  return {
    name: 'redis replies lost, then their abandons lost with the AOF',
    ...LOST,
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
  };
}

describeChaos(
  'chaos: Redis loses its data in the middle of a sale (PostgreSQL is the ledger)',
  [
    {
      test: 'FLUSHALL mid-sale: the sale goes on from the ledger, no oversell; lost 202s end FAILED, counted',
      // redisImpaired: while the activity is rebuilt
      fault: ({ clients }) => ({
        name: 'FLUSHALL mid-sale',
        at: 0.3,
        ...LOST,
        inject: async () => void (await clients.redis.flushall()),
      }),
    },
    {
      test: 'restart from an older AOF mid-sale: the sale goes on from the ledger, no oversell; lost 202s end FAILED',
      fault: olderAof('redis restarted from an older AOF', ordersReservedSince),
    },
    {
      // Each shard is rebuilt from the ledger with a share of what is left; leftovers move between them.
      test: 'restart from an older AOF mid-sale, the stock in 4 shards: rebuilt shard by shard, no oversell; lost 202s end FAILED',
      fault: olderAof(
        'redis restarted from an older AOF, the stock in 4 shards',
        ordersReservedSince,
        false,
        4,
      ),
    },
    {
      test: 'restart from an older AOF while the order-service is down: it notices at its start, no oversell; lost 202s end FAILED, none in silence',
      // Their requests wait in Kafka; the Redis that comes back has never heard of them.
      fault: olderAof(
        'redis restarted from an older AOF while the order-service was down',
        reservationsSince,
        true,
      ),
    },
    {
      test: 'lost abandons: replies black-holed, then Redis restarted from an AOF that holds the 503s’ reservations but not their abandons; no 503 becomes an order',
      fault: abandonsLost,
    },
  ],
  healInfrastructure,
);
