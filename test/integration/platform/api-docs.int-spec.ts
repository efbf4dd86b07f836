import { Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configSchema } from '@app/config';
import {
  API_DOCS_PREFIX,
  OPENAPI_METHODS,
  createService,
  readApiSpec,
  routeKey,
  routeOfPath,
} from '@app/http';
import { CancelServiceModule } from '../../../apps/cancel-service/src/cancel-service.module';
import { GatewayModule } from '../../../apps/gateway/src/gateway.module';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';

// docs/openapi.yaml is written by hand (the abuse suite's oracle): these tests keep it and the code in step.
const spec = readApiSpec();
const defaults = configSchema.parse({});
const SERVICES: [string, Type<unknown>, number][] = [
  ['gateway', GatewayModule, defaults.GATEWAY_PORT],
  ['order-service', OrderServiceModule, defaults.ORDER_SERVICE_PORT],
  ['cancel-service', CancelServiceModule, defaults.CANCEL_SERVICE_PORT],
];

interface Operation {
  path: string;
  key: string; // `GET /api/orders/:id`
  ports: number[]; // of the servers the spec places it on
  op: Record<string, unknown>;
}

const portsOf = (servers: { url: string }[]) => servers.map((s) => Number(new URL(s.url).port));
const operations: Operation[] = Object.entries<Record<string, any>>(spec.paths).flatMap(([path, item]) =>
  Object.entries<Record<string, any>>(item)
    .filter(([method]) => OPENAPI_METHODS.includes(method))
    .map(([method, op]) => ({
      path,
      key: routeKey(method, routeOfPath(path)),
      ports: portsOf(op.servers ?? item.servers ?? spec.servers),
      op,
    })),
);
const servedOn = (port: number) => operations.filter((o) => o.ports.includes(port));

describe.each(SERVICES)('%s (real Redis, PostgreSQL, Kafka)', (service, module, port) => {
  let app: NestFastifyApplication;
  const registered: string[] = [];

  beforeAll(async () => {
    app = await createService(module, service);
    // Nest registers its controllers' routes on init, after this hook: each one passes through it.
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRoute', ({ method, url }) => {
        for (const m of [method].flat())
          if (m !== 'HEAD' && !url.startsWith(API_DOCS_PREFIX)) registered.push(routeKey(m, url));
      });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it('when Nest registers its routes, then they are exactly the operations the spec places on it', () => {
    expect(registered.sort()).toEqual(
      servedOn(port)
        .map((o) => o.key)
        .sort(),
    );
  });

  it('when /docs is opened, then Swagger UI shows its part of docs/openapi.yaml, calling it', async () => {
    const page = await app.inject({ url: API_DOCS_PREFIX });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('swagger-initializer.js');
    const ui = await app.inject({ url: `${API_DOCS_PREFIX}/static/swagger-ui-bundle.js` });
    expect(ui.statusCode).toBe(200);

    const doc = (await app.inject({ url: `${API_DOCS_PREFIX}/json` })).json();
    expect(doc.servers).toEqual([{ url: '/', description: service }]);
    expect(doc.components).toEqual(spec.components);
    const expected = servedOn(port).map(({ op: { servers: _servers, ...op }, path, key }) => [key, path, op]);
    const shown = Object.entries<Record<string, any>>(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => [routeKey(method, routeOfPath(path)), path, op]),
    );
    expect(shown.sort()).toEqual(expected.sort());
  });

  it('when any other route answers, then the docs plugins did not touch it', async () => {
    const docs = await app.inject({ url: API_DOCS_PREFIX });
    expect(docs.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(docs.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    const live = await app.inject({ url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'up' });
    expect(live.headers['content-security-policy']).toBeUndefined();
  });
});

describe('docs/openapi.yaml', () => {
  it('when read, then every operation is placed on one of the three services', () => {
    const ports = SERVICES.map(([, , port]) => port);
    expect(operations.length).toBeGreaterThan(10);
    expect(
      operations.filter((o) => o.ports.length === 0 || !o.ports.every((p) => ports.includes(p))),
    ).toEqual([]);
  });
});
