import { healInfrastructure, restart, server } from '../support/chaos-faults';
import { ChaosFault } from '../support/chaos-stack';
import { describeChaos } from '../support/chaos-suite';
import { Dependency } from '../support/faults';

// Longer than what clients wait for them: the buyers' 2.5 s, PUBLISH_TIMEOUT_MS (3 s), the Kafka request
// timeout and session (10 s), the PostgreSQL connection timeout (3 s).
const REDIS_FREEZE_MS = 6_000;
const KAFKA_FREEZE_MS = 12_000;
const POSTGRES_FREEZE_MS = 12_000;
// The gateway loses Redis in these faults: 503 UNAVAILABLE is then a fair answer.
const REDIS = { redisImpaired: true };

/** kill -9 of every process of `dependency` mid-burst, then started again on its data (as a supervisor would). */
const crash =
  (dependency: Dependency, more: Partial<ChaosFault> = {}) =>
  async (): Promise<ChaosFault> => {
    const found = await server(dependency);
    const inject = async () => {
      await found.crash();
      await restart(dependency);
    };
    return { name: `kill -9 of ${dependency}`, ...more, inject };
  };

/** SIGSTOP of every process of `dependency` for `ms`, then SIGCONT. */
const freeze =
  (dependency: Dependency, ms: number, more: Partial<ChaosFault> = {}) =>
  async (): Promise<ChaosFault> => {
    const found = await server(dependency);
    return { name: `SIGSTOP of ${dependency} (${ms / 1000} s)`, ...more, inject: () => found.freeze(ms) };
  };

describeChaos(
  'chaos: Redis, Kafka or PostgreSQL crashes (kill -9) or freezes (SIGSTOP) during a spike',
  [
    {
      test: 'kill -9 of redis mid-burst: 503s take nothing; a 202 lost with the last second of AOF ends FAILED, never oversold',
      // appendfsync everysec: up to a second of acknowledged writes may be gone
      fault: crash('redis', { allowFailed: true, ...REDIS }),
    },
    {
      test: 'kill -9 of kafka mid-burst: the sale goes on, every 202 becomes exactly one order once it is back',
      fault: crash('kafka'),
    },
    {
      test: 'kill -9 of postgres mid-burst: every 202 becomes exactly one order once it is back',
      fault: crash('postgres'),
    },
    {
      test: 'SIGSTOP of redis for 6 s: buyers time out or get 503, nothing taken for a 503, every 202 ordered',
      fault: freeze('redis', REDIS_FREEZE_MS, REDIS),
    },
    {
      test: 'SIGSTOP of kafka for 12 s: the sale goes on, every 202 becomes exactly one order',
      fault: freeze('kafka', KAFKA_FREEZE_MS),
    },
    {
      test: 'SIGSTOP of postgres for 12 s: every 202 becomes exactly one order once it thaws',
      fault: freeze('postgres', POSTGRES_FREEZE_MS),
    },
  ],
  healInfrastructure,
);
