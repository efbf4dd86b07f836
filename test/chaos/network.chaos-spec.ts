import { Toxic } from '../support/toxiproxy';
import { PROXIES, skewedClock, toxiproxy } from '../support/chaos-faults';
import { ChaosStack, runChaos } from '../support/chaos-stack';
import { TestClients } from '../support/clients';

/**
 * A toxic on the replies (downstream) of a proxy for `ms`: requests still reach the server and run there;
 * their answers are lost (reset_peer: the connection is reset at the first reply; timeout: replies are
 * dropped, the connection closed when the toxic goes).
 */
async function toxicFor(proxies: string[], toxic: Toxic, ms: number): Promise<void> {
  const names = await Promise.all(proxies.map((p) => toxiproxy().addToxic(p, toxic)));
  try {
    await new Promise((resolve) => setTimeout(resolve, ms));
  } finally {
    await Promise.all(proxies.map((p, i) => toxiproxy().removeToxic(p, names[i])));
  }
}

// Patient buyers for the Redis cases: the first attempt gets the gateway's own answer (202 or 503), so a
// 503 whose reservation stood is seen as such, not hidden behind a client timeout.
const PATIENT_MS = 8_000;

describe('chaos: connections to Redis and Kafka lose replies or slow down during a spike (toxiproxy)', () => {
  let clients: TestClients;
  let stack: ChaosStack;

  beforeAll(async () => {
    clients = await TestClients.connect();
    stack = await ChaosStack.start(clients);
  });
  afterEach(async () => {
    await toxiproxy().reset();
  });
  afterAll(async () => {
    await stack?.stop();
    await clients?.close();
  });

  it('redis replies lost (reset_peer, 3 s): no 503 leaves a reservation, every 202 becomes exactly one order', async () => {
    await runChaos(stack, clients, {
      name: 'redis reset_peer after the request (3 s)',
      redisImpaired: true,
      patienceMs: PATIENT_MS,
      inject: () => toxicFor([PROXIES.redis], { type: 'reset_peer', attributes: { timeout: 0 } }, 3_000),
    });
  });

  it('redis replies black-holed (timeout, 4 s): no 503 leaves a reservation, every 202 becomes exactly one order', async () => {
    await runChaos(stack, clients, {
      name: 'redis timeout after the request (4 s)',
      redisImpaired: true,
      patienceMs: PATIENT_MS,
      inject: () => toxicFor([PROXIES.redis], { type: 'timeout', attributes: { timeout: 0 } }, 4_000),
    });
  });

  it('a gateway 30 s slow (its clock skewed), redis replies lost: ages are Redis’s, so no abandon loses to recovery', async () => {
    await stack.restartWith('gateway', skewedClock('-30s'));
    try {
      await runChaos(stack, clients, {
        name: 'gateway clock 30 s slow, redis reset_peer (3 s)',
        redisImpaired: true,
        patienceMs: PATIENT_MS,
        inject: () => toxicFor([PROXIES.redis], { type: 'reset_peer', attributes: { timeout: 0 } }, 3_000),
      });
    } finally {
      await stack.restartWith('gateway', {});
    }
  });

  it('kafka replies lost (reset_peer, 3 s): written batches are not lost or duplicated, every 202 ordered', async () => {
    await runChaos(stack, clients, {
      name: 'kafka reset_peer after the request (3 s)',
      inject: () => toxicFor([PROXIES.kafka], { type: 'reset_peer', attributes: { timeout: 0 } }, 3_000),
    });
  });

  it('kafka replies black-holed (timeout, 12 s, past the request timeout): every 202 becomes exactly one order', async () => {
    await runChaos(stack, clients, {
      name: 'kafka timeout after the request (12 s)',
      inject: () => toxicFor([PROXIES.kafka], { type: 'timeout', attributes: { timeout: 0 } }, 12_000),
    });
  });

  it('latency of 200 ms ± 100 on redis and kafka for 5 s: every 202 becomes exactly one order', async () => {
    await runChaos(stack, clients, {
      name: 'latency 200 ms on redis and kafka (5 s)',
      inject: () =>
        toxicFor(
          [PROXIES.redis, PROXIES.kafka],
          { type: 'latency', attributes: { latency: 200, jitter: 100 } },
          5_000,
        ),
    });
  });
});
