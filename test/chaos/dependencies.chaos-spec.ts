import { healInfrastructure, restart, server } from '../support/chaos-faults';
import { ChaosStack, runChaos } from '../support/chaos-stack';
import { TestClients } from '../support/clients';

// Longer than what clients wait for them: the buyers' 2.5 s, PUBLISH_TIMEOUT_MS (3 s), the Kafka request
// timeout and session (10 s), the PostgreSQL connection timeout (3 s).
const REDIS_FREEZE_MS = 6_000;
const KAFKA_FREEZE_MS = 12_000;
const POSTGRES_FREEZE_MS = 12_000;

describe('chaos: Redis, Kafka or PostgreSQL crashes (kill -9) or freezes (SIGSTOP) during a spike', () => {
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

  it('kill -9 of redis mid-burst: 503s take nothing; a 202 lost with the last second of AOF ends FAILED, never oversold', async () => {
    const redis = await server('redis');
    await runChaos(stack, clients, {
      name: 'kill -9 of redis',
      allowFailed: true, // appendfsync everysec: up to a second of acknowledged writes may be gone
      redisImpaired: true,
      inject: async () => {
        await redis.crash();
        await restart('redis');
      },
    });
  });

  it('kill -9 of kafka mid-burst: the sale goes on, every 202 becomes exactly one order once it is back', async () => {
    const kafka = await server('kafka');
    await runChaos(stack, clients, {
      name: 'kill -9 of kafka',
      inject: async () => {
        await kafka.crash();
        await restart('kafka');
      },
    });
  });

  it('kill -9 of postgres mid-burst: every 202 becomes exactly one order once it is back', async () => {
    const postgres = await server('postgres');
    await runChaos(stack, clients, {
      name: 'kill -9 of postgres',
      inject: async () => {
        await postgres.crash();
        await restart('postgres');
      },
    });
  });

  it('SIGSTOP of redis for 6 s: buyers time out or get 503, nothing taken for a 503, every 202 ordered', async () => {
    const redis = await server('redis');
    await runChaos(stack, clients, {
      name: 'SIGSTOP of redis (6 s)',
      redisImpaired: true,
      inject: () => redis.freeze(REDIS_FREEZE_MS),
    });
  });

  it('SIGSTOP of kafka for 12 s: the sale goes on, every 202 becomes exactly one order', async () => {
    const kafka = await server('kafka');
    await runChaos(stack, clients, {
      name: 'SIGSTOP of kafka (12 s)',
      inject: () => kafka.freeze(KAFKA_FREEZE_MS),
    });
  });

  it('SIGSTOP of postgres for 12 s: every 202 becomes exactly one order once it thaws', async () => {
    const postgres = await server('postgres');
    await runChaos(stack, clients, {
      name: 'SIGSTOP of postgres (12 s)',
      inject: () => postgres.freeze(POSTGRES_FREEZE_MS),
    });
  });
});
