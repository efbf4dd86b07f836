import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createService } from '@app/http';
import { HealthRegistry } from '@app/observability';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';

// Read once by the first loadConfig() of this file (createService): set before it runs.
const OPS_TOKEN = 'ops-token-of-this-test-0123456789';
process.env.OPS_TOKEN = OPS_TOKEN;
process.env.HEALTH_CACHE_MS = '60000';
const SECRET_DETAIL = 'connect ECONNREFUSED 10.1.2.3:5432 (pool internals)';

describe('/health and /metrics restricted by OPS_TOKEN (order-service, real dependencies)', () => {
  let app: NestFastifyApplication;
  let probes = 0;

  beforeAll(async () => {
    app = await createService(OrderServiceModule, 'order-service');
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const registry = app.get(HealthRegistry);
    registry.register('counted', async () => void probes++);
    registry.register('broken', async () => Promise.reject(new Error(SECRET_DETAIL)));
  });
  afterAll(() => app.close());

  const ops = { authorization: `Bearer ${OPS_TOKEN}` };

  it('when /health is called 50 times at once and again, then the dependencies are probed once', async () => {
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => app.inject({ method: 'GET', url: '/health' })),
    );
    await app.inject({ method: 'GET', url: '/health' });
    expect(replies.every((r) => r.statusCode === 503)).toBe(true);
    expect(probes).toBe(1);
  });

  it('when an anonymous caller asks /health, then it learns up/down per dependency and no error text', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'down',
      checks: expect.objectContaining({ postgres: { status: 'up' }, broken: { status: 'down' } }),
    });
    expect(res.body).not.toContain('ECONNREFUSED');
  });

  it('when the ops token is given, then /health shows latencies and the error', async () => {
    const res = await app.inject({ method: 'GET', url: '/health', headers: ops });
    expect(res.json().checks.broken).toEqual({
      status: 'down',
      latencyMs: expect.any(Number),
      error: SECRET_DETAIL,
    });
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer not-the-ops-token-at-all' }],
  ])('when /metrics is scraped with %s, then it is 403 FORBIDDEN', async (_name, headers) => {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ code: 'FORBIDDEN', message: expect.any(String) });
  });

  it('when /metrics is scraped with the ops token, then it answers', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: ops });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^http_request_duration_seconds_count/m);
  });

  it('when anyone asks /health/live, then it is 200 without a token', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
  });
});
