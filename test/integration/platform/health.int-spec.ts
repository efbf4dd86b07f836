import { Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createService } from '@app/http';
import { CancelServiceModule } from '../../../apps/cancel-service/src/cancel-service.module';
import { GatewayModule } from '../../../apps/gateway/src/gateway.module';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';

describe.each<[string, Type<unknown>]>([
  ['gateway', GatewayModule],
  ['order-service', OrderServiceModule],
  ['cancel-service', CancelServiceModule],
])('%s service (real Redis, PostgreSQL, Kafka)', (service, module) => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createService(module, service);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it('when every dependency is up, then /health reports each of them up', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'up',
      checks: { redis: { status: 'up' }, postgres: { status: 'up' }, kafka: { status: 'up' } },
    });
  });

  it('when /metrics is scraped, then it answers in the Prometheus text format', async () => {
    await app.inject({ method: 'GET', url: '/health' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(/^http_request_duration_seconds_count\{.*route="\/health".*\} \d+/m);
  });

  it('when a route does not exist, then the error has the common shape and a correlation id', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/no-such-route',
      headers: { 'x-correlation-id': 'abc-1' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'NOT_FOUND', message: expect.any(String) });
    expect(res.headers['x-correlation-id']).toBe('abc-1');
  });
});
