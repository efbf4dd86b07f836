import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEYS, configSchema } from '@app/config';
import { composeServices, envOf, root } from './compose-file';
import { GATEWAY_NODE_FLAGS } from '../../apps/gateway/src/node-flags';

// docker-compose.cluster.yml is the cluster profile in containers: checked statically, like the main file,
// against the config schema, the main file and scripts/infra/cluster-env.sh (the profile's one list of settings).
const services = composeServices('docker-compose.cluster.yml');
const single = composeServices('docker-compose.yml');
const named = (pattern: RegExp) => Object.keys(services).filter((name) => pattern.test(name));
const REDIS_NODES = named(/^redis-\d$/);
const KAFKA_NODES = named(/^kafka-\d$/);
/**
 * Two of each (one provider), on the ports `scripts/stack.sh up --cluster` gives them: its list of
 * `kind:port`, read here so that the two files cannot drift. [compose service, port variable, port]
 */
const INSTANCES = readFileSync(join(root, 'scripts/stack.sh'), 'utf8')
  .match(/CLUSTER=true[^\n]*\n\s*SERVICES=\(([^)]*)\)/)![1]
  .match(/[\w-]+:\d+/g)!
  .map((entry, _, all) => {
    const [kind, port] = entry.split(':');
    const same = all.filter((e) => e.startsWith(`${kind}:`));
    const app = same.length > 1 ? `${kind}-${same.indexOf(entry) + 1}` : kind;
    return [app, `${kind.replace('-', '_').toUpperCase()}_PORT`, port] as const;
  });
const PORT_KEYS = ['GATEWAY_PORT', 'ORDER_SERVICE_PORT', 'CANCEL_SERVICE_PORT', 'PAYMENT_PROVIDER_PORT'];
const clusterEnv = Object.fromEntries(
  [...readFileSync(join(root, 'scripts/infra/cluster-env.sh'), 'utf8').matchAll(/(\w+)=(\S+)/g)]
    .map(([, key, value]) => [key, value])
    .filter(([key]) => key !== 'INFRA_PROFILE'),
);

describe('docker-compose.cluster.yml', () => {
  it('when read, then Redis is six cluster-mode nodes of one BSD-licensed 7.2 image, failed over after 3 s', () => {
    expect(REDIS_NODES).toEqual(['redis-1', 'redis-2', 'redis-3', 'redis-4', 'redis-5', 'redis-6']);
    for (const node of REDIS_NODES) {
      expect(services[node].image).toBe('redis:7.2.11-alpine');
      expect(services[node].command).toContain('--cluster-enabled yes');
      expect(services[node].command).toContain('--cluster-node-timeout 3000');
      expect(services[node].command).toContain(`--cluster-announce-hostname ${node} `);
      expect(services[node].healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
    }
  });

  it('when the nodes are healthy, then one job joins all six into 3 masters with a replica each', () => {
    const job = services['redis-cluster'];
    const script = job.command.join(' ');
    expect(job.image).toBe('redis:7.2.11-alpine');
    expect(script).toContain('redis-cli --cluster create');
    expect(script).toContain('--cluster-replicas 1');
    expect(script).toContain(`for host in ${REDIS_NODES.join(' ')};`);
    expect(job.restart).toBeUndefined();
    for (const node of REDIS_NODES) expect(job.depends_on[node]).toEqual({ condition: 'service_healthy' });
  });

  it('when read, then Kafka is three 3.9.1 KRaft brokers, each a controller of one quorum, replicating 3 with min ISR 2', () => {
    expect(KAFKA_NODES).toEqual(['kafka-1', 'kafka-2', 'kafka-3']);
    const envs = KAFKA_NODES.map((node) => services[node].environment);
    expect(new Set(envs.map((env) => env.CLUSTER_ID)).size).toBe(1);
    KAFKA_NODES.forEach((node, i) => {
      const env = envs[i];
      expect(services[node].image).toBe('apache/kafka:3.9.1');
      expect(env.KAFKA_NODE_ID).toBe(i + 1);
      expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
      expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093');
      expect(env.KAFKA_ADVERTISED_LISTENERS).toContain(`PLAINTEXT://${node}:9092`);
      expect(env).toMatchObject({
        KAFKA_DEFAULT_REPLICATION_FACTOR: 3,
        KAFKA_MIN_INSYNC_REPLICAS: 2,
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 3,
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 2,
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      });
    });
    expect(services.postgres.image).toBe('postgres:16');
  });

  it('when read, then it runs the instances scripts/stack.sh starts on the cluster profile, no other', () => {
    const apps = Object.keys(services).filter((name) =>
      /^(gateway|\w+-service|payment-provider)\b/.test(name),
    );
    expect(INSTANCES.map(([app]) => app)).toEqual(apps);
    expect(INSTANCES).toHaveLength(7);
  });

  it.each(INSTANCES)(
    'when %s starts, then every variable of the schema is set, valid, and its port its own',
    (app, key, port) => {
      const env = envOf(services, app);
      expect(Object.keys(env).sort()).toEqual([...CONFIG_KEYS].sort());
      const config = configSchema.parse(env);
      expect(String(config[key as keyof typeof config])).toBe(port);
      expect(services[app].ports).toEqual([`${port}:${port}`]);
      expect(services[app].healthcheck.test.join(' ')).toContain(`127.0.0.1:${port}/health`);
      const kind = app.replace(/-\d$/, '');
      expect(services[app].build).toBeUndefined();
      expect(services[app].image).toBe(services.setup.image);
      expect(services.setup.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
      const flags = kind === 'gateway' ? GATEWAY_NODE_FLAGS : [];
      expect(services[app].command).toEqual(['node', ...flags, `dist/apps/${kind}/src/main.js`]);
    },
  );

  it("when services connect, then they have cluster-env.sh's settings, naming the compose nodes", () => {
    const env = envOf(services, 'gateway-1');
    expect(Object.keys(clusterEnv).sort()).toEqual([
      'DATABASE_URL',
      'KAFKA_BROKERS',
      'KAFKA_MIN_INSYNC_REPLICAS',
      'KAFKA_REPLICATION_FACTOR',
      'REDIS_CLUSTER_NODES',
    ]);
    expect(env.KAFKA_REPLICATION_FACTOR).toBe(clusterEnv.KAFKA_REPLICATION_FACTOR);
    expect(env.KAFKA_MIN_INSYNC_REPLICAS).toBe(clusterEnv.KAFKA_MIN_INSYNC_REPLICAS);
    // As locally: the first three nodes seed the cluster client, and every broker is listed.
    const seeds = (list: string) => list.split(',').map((n) => n.split(':')[0]);
    expect(seeds(env.REDIS_CLUSTER_NODES)).toEqual(REDIS_NODES.slice(0, 3));
    expect(seeds(clusterEnv.REDIS_CLUSTER_NODES)).toHaveLength(3);
    expect(env.KAFKA_BROKERS).toBe(KAFKA_NODES.map((node) => `${node}:9092`).join(','));
    expect(seeds(clusterEnv.KAFKA_BROKERS)).toHaveLength(KAFKA_NODES.length);
    const pg = services.postgres.environment;
    expect(env.DATABASE_URL).toBe(
      `postgres://${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@postgres:5432/${pg.POSTGRES_DB}`,
    );
  });

  it('when compared with docker-compose.yml, then only the topology and the ports differ', () => {
    // The provider's address and where its callbacks go name the cluster's containers.
    const differs = [
      ...Object.keys(clusterEnv),
      'REDIS_URL',
      'PAYMENT_PROVIDER_URL',
      'PAYMENT_CALLBACK_URL',
      ...PORT_KEYS,
    ];
    const rest = (env: Record<string, string>) =>
      Object.fromEntries(Object.entries(env).filter(([key]) => !differs.includes(key)));
    expect(rest(envOf(services, 'gateway-1'))).toEqual(rest(envOf(single, 'gateway')));
    for (const [app] of INSTANCES)
      expect(envOf(services, app)).toEqual({ ...envOf(services, 'gateway-1'), ...portsOf(app) });
  });

  it('when the stack starts, then the cluster is formed and set up before any service', () => {
    for (const [app] of INSTANCES) {
      expect(services[app].depends_on).toEqual({
        'redis-cluster': { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
        ...Object.fromEntries(KAFKA_NODES.map((node) => [node, { condition: 'service_healthy' }])),
        setup: { condition: 'service_completed_successfully' },
      });
    }
    expect(services.setup.command.join(' ')).toMatch(/migrate\.js.*create-topics\.js/);
    for (const node of KAFKA_NODES)
      expect(services.setup.depends_on[node]).toEqual({ condition: 'service_healthy' });
  });
});

/** An instance's own port variable, the others as the anchor has them. */
function portsOf(app: string): Record<string, string> {
  const [, key, port] = INSTANCES.find(([name]) => name === app)!;
  return { ...Object.fromEntries(PORT_KEYS.map((k) => [k, envOf(services, 'gateway-1')[k]])), [key]: port };
}
