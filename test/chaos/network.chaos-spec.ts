import { Toxic } from '../support/toxiproxy';
import { PROXIES, skewedClock, toxiproxy } from '../support/chaos-faults';
import { ChaosFault } from '../support/chaos-stack';
import { describeChaos } from '../support/chaos-suite';

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

/** The replies of Redis (to the gateway) or of Kafka (to everyone) lost for `ms`. */
function repliesLost(proxy: keyof typeof PROXIES, type: 'reset_peer' | 'timeout', ms: number): ChaosFault {
  return {
    name: `${proxy} ${type} after the request (${ms / 1000} s)`,
    // The gateway loses Redis: 503 UNAVAILABLE is then a fair answer.
    ...(proxy === 'redis' ? { redisImpaired: true, patienceMs: PATIENT_MS } : {}),
    inject: () => toxicFor([PROXIES[proxy]], { type, attributes: { timeout: 0 } }, ms),
  };
}

describeChaos(
  'chaos: connections to Redis and Kafka lose replies or slow down during a spike (toxiproxy)',
  [
    {
      test: 'redis replies lost (reset_peer, 3 s): no 503 leaves a reservation, every 202 becomes exactly one order',
      fault: () => repliesLost('redis', 'reset_peer', 3_000),
    },
    {
      test: 'redis replies black-holed (timeout, 4 s): no 503 leaves a reservation, every 202 becomes exactly one order',
      fault: () => repliesLost('redis', 'timeout', 4_000),
    },
    {
      test: 'a gateway 30 s slow (its clock skewed), redis replies lost: ages are Redis’s, so no abandon loses to recovery',
      gatewayEnv: () => skewedClock('-30s'),
      fault: () => ({
        ...repliesLost('redis', 'reset_peer', 3_000),
        name: 'gateway clock 30 s slow, redis reset_peer (3 s)',
      }),
    },
    {
      test: 'kafka replies lost (reset_peer, 3 s): written batches are not lost or duplicated, every 202 ordered',
      fault: () => repliesLost('kafka', 'reset_peer', 3_000),
    },
    {
      test: 'kafka replies black-holed (timeout, 12 s, past the request timeout): every 202 becomes exactly one order',
      fault: () => repliesLost('kafka', 'timeout', 12_000),
    },
    {
      test: 'latency of 200 ms ± 100 on redis and kafka for 5 s: every 202 becomes exactly one order',
      fault: () => ({
        name: 'latency 200 ms on redis and kafka (5 s)',
        inject: () =>
          toxicFor(
            [PROXIES.redis, PROXIES.kafka],
            { type: 'latency', attributes: { latency: 200, jitter: 100 } },
            5_000,
          ),
      }),
    },
  ],
  () => toxiproxy().reset(),
);
