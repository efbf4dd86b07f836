import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createService } from '@app/http';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';
import { buyerToken } from '../../support/api';

// The order-service in-process (real Redis, PostgreSQL, Kafka); `/pay` is the bodiless POST of the API.
describe('JSON bodies: an empty one is {}, and a broken one is judged after authentication', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createService(OrderServiceModule, 'order-service');
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app?.close());

  const pay = (token: string, payload: string) =>
    app.inject({
      method: 'POST',
      url: `/api/orders/${randomUUID()}/pay`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload,
    });

  it('when a bodiless POST says Content-Type: application/json, then it is handled as an empty object', async () => {
    const res = await pay(buyerToken('json-body-buyer'), '');
    expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: 404, code: 'NOT_FOUND' });
  });

  it.each([
    ['an empty body', ''],
    ['a body that is not JSON', '{"quantity": '],
  ])('when a forged token comes with %s, then the answer is 401', async (_what, payload) => {
    const res = await pay('forged.token.value', payload);
    expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('when a valid token comes with a body that is not JSON, then it is still refused with 400', async () => {
    const res = await pay(buyerToken('json-body-buyer'), '{"quantity": ');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'VALIDATION_FAILED', message: expect.any(String) });
  });
});
