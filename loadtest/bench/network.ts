import Redis from 'ioredis';
import { Client } from 'pg';
import { AppConfig } from '@app/config';
import { startToxiproxy } from '../../test/support/toxiproxy';
import { percentile } from './stats';

export interface Network {
  /** the addresses every process of the networked profile is given instead of the direct ones */
  env: { REDIS_URL: string; DATABASE_URL: string; KAFKA_BROKERS: string };
  latencyMs: number;
  /** median round trip through the proxies, ms (Redis PING, PostgreSQL SELECT 1): the toxic at work */
  probeMs: { redis: number; postgres: number };
  stop(): Promise<void>;
}

const hostPort = (url: string) => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
};

/**
 * Toxiproxy ports, relative to Kafka's (so that each infrastructure profile has its own): the API at
 * +1382, then Redis, PostgreSQL and Kafka proxies. Kafka's proxy forwards to the broker's PROXIED
 * listener (Kafka's port + 1386), which advertises the proxy's port (scripts/infra.sh): clients reconnect
 * through the proxy, while the PLAINTEXT listener stays direct for the co-located profile.
 */
export function networkPorts(kafkaPort: number) {
  return {
    api: kafkaPort + 1382,
    redis: kafkaPort + 1383,
    postgres: kafkaPort + 1384,
    kafka: kafkaPort + 1385,
    kafkaProxiedListener: kafkaPort + 1386,
  };
}

/**
 * The networked profile: Redis, PostgreSQL and Kafka each behind a toxiproxy that holds every reply
 * (`downstream`) `latencyMs` ms — so every round trip takes `latencyMs` more, as a datacenter's network
 * would add. Both designs get the same proxies.
 */
export async function startNetwork(config: AppConfig, latencyMs: number): Promise<Network> {
  const redis = hostPort(config.REDIS_URL);
  const db = new URL(config.DATABASE_URL);
  const [kafkaHost, kafkaPort] = config.KAFKA_BROKERS[0].split(':');
  const ports = networkPorts(Number(kafkaPort));
  const { client, stop } = await startToxiproxy(ports.api);
  try {
    const proxies = [
      { name: 'bench_redis', listen: ports.redis, upstream: `${redis.host}:${redis.port}` },
      { name: 'bench_postgres', listen: ports.postgres, upstream: `${db.hostname}:${db.port || 5432}` },
      { name: 'bench_kafka', listen: ports.kafka, upstream: `${kafkaHost}:${ports.kafkaProxiedListener}` },
    ];
    for (const p of proxies) {
      await client.createProxy({ name: p.name, listen: `127.0.0.1:${p.listen}`, upstream: p.upstream });
      if (latencyMs > 0)
        await client.addToxic(p.name, {
          type: 'latency',
          stream: 'downstream',
          attributes: { latency: latencyMs },
        });
    }
  } catch (err) {
    stop();
    throw err;
  }
  const proxiedDb = new URL(config.DATABASE_URL);
  proxiedDb.hostname = '127.0.0.1';
  proxiedDb.port = String(ports.postgres);
  const env = {
    REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
    DATABASE_URL: proxiedDb.toString(),
    KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
  };
  return { env, latencyMs, probeMs: await probe(env), stop: async () => stop() };
}

async function probe(env: Network['env']): Promise<Network['probeMs']> {
  const median = async (call: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 21; i++) {
      const started = process.hrtime.bigint();
      await call();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return Number(
      percentile(
        times.sort((a, b) => a - b),
        50,
      ).toFixed(2),
    );
  };
  const redis = new Redis(env.REDIS_URL);
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  try {
    return { redis: await median(() => redis.ping()), postgres: await median(() => db.query('SELECT 1')) };
  } finally {
    redis.disconnect();
    await db.end();
  }
}
