import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEYS, configSchema } from '@app/config';
import { composeServices, envOf as envIn, root } from './compose-file';
import { GATEWAY_NODE_FLAGS } from '../../apps/gateway/src/node-flags';

// docker-compose.yml cannot run on every machine, so it is checked statically against the config schema.
const services = composeServices('docker-compose.yml');
const APPS = {
  gateway: 'GATEWAY_PORT',
  'order-service': 'ORDER_SERVICE_PORT',
  'cancel-service': 'CANCEL_SERVICE_PORT',
  'payment-provider': 'PAYMENT_PROVIDER_PORT',
};

const envOf = (name: string) => envIn(services, name);

describe('docker-compose.yml', () => {
  it('when read, then it pins the infrastructure images of the brief', () => {
    expect(services.postgres.image).toBe('postgres:16');
    expect(services.kafka.image).toBe('apache/kafka:3.9.1');
  });

  it('when read, then Redis is an exact BSD-licensed 7.x release (7.4 and later are not), as Debian ships', () => {
    const [, minor] = /^redis:7\.(\d+)\.\d+-alpine$/.exec(services.redis.image) ?? [];
    expect(Number(minor)).toBeLessThanOrEqual(2);
  });

  it.each(Object.entries(APPS))(
    'when %s starts, then it runs the image setup builds from the one Dockerfile',
    (app) => {
      expect(services.setup.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
      expect(services[app].build).toBeUndefined();
      expect(services[app].image).toBe(services.setup.image);
      const flags = app === 'gateway' ? GATEWAY_NODE_FLAGS : [];
      expect(services[app].command).toEqual(['node', ...flags, `dist/apps/${app}/src/main.js`]);
      expect(existsSync(join(root, `apps/${app}/src/main.ts`))).toBe(true);
    },
  );

  it.each(Object.entries(APPS))(
    'when %s starts, then every variable of the schema is set and valid',
    (app, portKey) => {
      const env = envOf(app);
      expect(Object.keys(env).sort()).toEqual([...CONFIG_KEYS].sort());
      const config = configSchema.parse(env);
      expect(config.HTTP_HOST).toBe('0.0.0.0');
      expect(services[app].ports).toEqual([`${config[portKey as keyof typeof config]}:${env[portKey]}`]);
      expect(services[app].healthcheck.test.join(' ')).toContain(`127.0.0.1:${env[portKey]}/health`);
    },
  );

  it('when services connect, then their URLs name the compose services and ports', () => {
    const env = envOf('gateway');
    const kafkaListeners = String(services.kafka.environment.KAFKA_ADVERTISED_LISTENERS);
    expect(kafkaListeners).toContain(`PLAINTEXT://${env.KAFKA_BROKERS}`);
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    const pg = services.postgres.environment;
    expect(env.DATABASE_URL).toBe(
      `postgres://${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@postgres:5432/${pg.POSTGRES_DB}`,
    );
  });

  it('when the stack starts, then infrastructure is healthy and set up before any service', () => {
    for (const infra of ['redis', 'postgres', 'kafka'])
      expect(services[infra].healthcheck.test).toBeDefined();
    for (const app of Object.keys(APPS)) {
      expect(services[app].depends_on).toEqual({
        redis: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
        kafka: { condition: 'service_healthy' },
        setup: { condition: 'service_completed_successfully' },
      });
    }
    expect(services.setup.command.join(' ')).toMatch(/migrate\.js.*create-topics\.js/);
    for (const app of Object.keys(APPS))
      expect(services.demo.depends_on[app]).toEqual({ condition: 'service_healthy' });
    expect(existsSync(join(root, 'apps/ops/src/migrate.ts'))).toBe(true);
    expect(existsSync(join(root, 'apps/ops/src/create-topics.ts'))).toBe(true);
  });

  it("when the demo runs in compose, then it has the services' configuration and their addresses", () => {
    const env = envOf('demo');
    expect(configSchema.parse(env)).toEqual(configSchema.parse(envOf('gateway')));
    expect(services.demo.command).toEqual(['node', 'dist/tools/demo/main.js', '--no-stack']);
    expect(env.DEMO_GATEWAY_URL).toBe(`http://gateway:${env.GATEWAY_PORT}`);
    expect(env.DEMO_ORDER_SERVICE_URL).toBe(`http://order-service:${env.ORDER_SERVICE_PORT}`);
    expect(existsSync(join(root, 'tools/demo/main.ts'))).toBe(true);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

  const stages = dockerfile.split(/^(?=FROM )/m).filter((s) => s.startsWith('FROM '));
  const named = (name: string) => stages.find((s) => s.split('\n')[0].endsWith(` AS ${name}`)) ?? '';

  it('when built, then the production image holds the compiled services and ops CLIs, and no tools', () => {
    const production = stages.at(-1) ?? ''; // the last stage: what `docker build` gives by default
    expect(production).toMatch(/^FROM runtime\n/);
    expect(named('runtime')).toMatch(/^FROM node:\S+ AS runtime\nENV NODE_ENV=production\n/);
    expect(named('runtime')).toMatch(/^USER node$/m);
    expect(production).toMatch(/COPY --from=production-build \/app\/dist/);
    expect(named('production-build')).toMatch(/^FROM build AS production-build/);
    const build = named('build');
    expect(build).toMatch(/RUN npm run build:image/);
    expect(build).toMatch(/COPY apps/);
    expect(build).toMatch(/^COPY docs\/openapi\.yaml /m); // served at /docs
    expect(build).not.toMatch(/COPY (tools|loadtest|test|scripts) /);
    const image = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8'));
    expect(image.include).toEqual(['apps/**/*.ts', 'libs/**/*.ts']);
  });

  it('when the demo is built, then it is its own target, on top of the production build', () => {
    expect(named('tools-build')).toMatch(/^FROM build AS tools-build/);
    expect(named('tools-build')).toMatch(/RUN npm run build /);
    expect(named('tools')).toMatch(/COPY --from=tools-build \/app\/dist/);
    expect(services.demo.build.target).toBe('tools');
  });

  it("when built, then every stage runs the Node of package.json's engines (the current LTS)", () => {
    const { engines } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const [, lts] = /^>=(\d+)$/.exec(engines.node) ?? [];
    expect(Number(lts)).toBeGreaterThanOrEqual(24);
    const stageNames = new Set([...dockerfile.matchAll(/^FROM \S+ AS (\S+)/gm)].map((m) => m[1]));
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)]
      .map((m) => m[1])
      .filter((b) => !stageNames.has(b));
    expect(bases).toEqual([`node:${lts}-bookworm-slim`, `node:${lts}-bookworm-slim`]);
  });
});

describe('.env.example', () => {
  const lines = readFileSync(join(root, '.env.example'), 'utf8').split('\n');
  const entries = lines
    .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l))
    .map((l) => l.split('=', 2) as [string, string]);

  it('when read, then it lists every variable of the schema, each once, under a comment', () => {
    expect(entries.map(([k]) => k).sort()).toEqual([...CONFIG_KEYS].sort());
    const undocumented = entries
      .map(([key]) => key)
      .filter((key) => !lines[lines.findIndex((l) => l.startsWith(`${key}=`)) - 1]?.startsWith('#'));
    expect(undocumented).toEqual([]);
  });

  it('when used as the environment, then it is the schema defaults', () => {
    expect(configSchema.parse(Object.fromEntries(entries))).toEqual(configSchema.parse({}));
  });
});
