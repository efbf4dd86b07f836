import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ConfigModule } from '@app/config';
import { LuaScript, RedisModule, RedisService } from '@app/redis';

describe('Redis client (real Redis)', () => {
  let app: TestingModule;
  let redis: RedisService;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forService('integration-test'), RedisModule],
    }).compile();
    app = await moduleRef.init();
    redis = app.get(RedisService);
  });
  afterAll(() => app.close());

  it('when a value is written, then it reads back', async () => {
    const key = `test:{${randomUUID()}}:value`;
    await redis.client.set(key, 'hello', 'EX', 60);
    await expect(redis.client.get(key)).resolves.toBe('hello');
  });

  it('when a Lua script runs twice, then the second call is served by its SHA', async () => {
    const script = new LuaScript(join(__dirname, '../../fixtures/echo.lua'));
    const key = `test:{${randomUUID()}}:lua`;
    await expect(script.run(redis.client, [key], ['one'])).resolves.toBe('one');
    await expect(redis.client.script('EXISTS', script.sha)).resolves.toEqual([1]);
    await expect(script.run(redis.client, [key], ['two'])).resolves.toBe('two');
  });
});
