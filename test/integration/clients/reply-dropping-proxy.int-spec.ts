import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { LuaScript } from '@app/redis';
import { ReplyDroppingProxy } from '../../support/reply-dropping-proxy';

/**
 * The proxy the lost-reply tests stand on must lose the reply of a script that ran: not the NOSCRIPT error
 * of an EVALSHA whose script Redis had not cached yet (ioredis then sends EVAL, and the script runs).
 */
describe('the reply-dropping proxy in front of the real Redis', () => {
  const target = Number(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379);
  let proxy: ReplyDroppingProxy;
  let direct: Redis;

  beforeAll(async () => {
    proxy = await ReplyDroppingProxy.start(target);
    direct = new Redis(target, '127.0.0.1');
  });
  afterAll(async () => {
    direct?.disconnect();
    await proxy?.close();
  });

  it('when the armed command is an EVALSHA of a script Redis has not cached, then the script runs and only its reply is lost', async () => {
    const key = `reply-dropping-proxy:${randomUUID()}`;
    const client = new Redis(proxy.port, '127.0.0.1', {
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    // A script of its own (a SHA this Redis has not seen), run as the services run theirs: EVALSHA first.
    const path = join(tmpdir(), `${randomUUID()}.lua`);
    writeFileSync(path, `return redis.call('SET', KEYS[1], '${key}')`);
    const script = new LuaScript(path);
    try {
      proxy.dropNextReplyTo('evalsha');
      await expect(script.run(client, [key], [])).rejects.toThrow();
      await expect(direct.get(key)).resolves.toBe(key);
    } finally {
      client.disconnect();
      await direct.del(key);
    }
  });
});
