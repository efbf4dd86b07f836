import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Socket } from 'node:net';
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

  it('when many commands are issued in one turn, then they go out in one write and each gets its own reply', async () => {
    const socket = (redis.client as unknown as { stream: Socket }).stream;
    const key = `test:{${randomUUID()}}:turn`;
    const writes: number[] = [];
    const writev = socket._writev!.bind(socket);
    const write = socket._write.bind(socket);
    socket._writev = (chunks, done) => (writes.push(chunks.length), writev(chunks, done));
    socket._write = (chunk, encoding, done) => (writes.push(1), write(chunk, encoding, done));
    try {
      const replies = Promise.all(Array.from({ length: 50 }, () => redis.client.incr(key)));
      expect(writes).toEqual([]); // held until the turn's I/O is done
      await expect(replies).resolves.toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(writes).toHaveLength(1); // one system call carried all 50
    } finally {
      delete (socket as Partial<Socket>)._writev;
      delete (socket as Partial<Socket>)._write;
      await redis.client.del(key);
    }
  });
});
