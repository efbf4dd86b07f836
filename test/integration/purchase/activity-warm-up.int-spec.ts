import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@app/config';
import { createService } from '@app/http';
import { RedisService } from '@app/redis';
import { GatewayModule } from '../../../apps/gateway/src/gateway.module';
import { activityBody } from '../../support/api';
import { TestClients } from '../../support/clients';

// The gateway in-process (real Redis, PostgreSQL, Kafka); its own Redis connection is cut, as when Redis
// is unreachable from it, while the admin creates an activity.
describe('creating an activity when its warm-up into Redis fails', () => {
  let app: NestFastifyApplication;
  let clients: TestClients;

  beforeAll(async () => {
    clients = await TestClients.connect();
    app = await createService(GatewayModule, 'gateway');
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close();
    await clients?.close();
  });

  it('when Redis cannot be warmed, then the answer is 503 and no half-created activity is left', async () => {
    const name = `warm-up failure ${Date.now()}`;
    const redis = app.get(RedisService).client;
    redis.disconnect();
    const res = await app.inject({
      method: 'POST',
      url: '/api/activities',
      headers: { authorization: `Bearer ${loadConfig().ADMIN_TOKEN}`, 'content-type': 'application/json' },
      payload: activityBody({ name, stock: 5 }),
    });
    await redis.connect();

    expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: 503, code: 'UNAVAILABLE' });
    expect(await clients.db.query('SELECT id FROM activities WHERE name = $1', [name])).toEqual([]);
  });
});
