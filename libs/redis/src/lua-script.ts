import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type Redis from 'ioredis';

/**
 * A Lua script read once from its `.lua` file and run by SHA (EVALSHA);
 * only when Redis does not know the SHA yet (first call, restart, SCRIPT FLUSH) is the body sent.
 */
export class LuaScript {
  readonly source: string;
  readonly sha: string;

  constructor(path: string) {
    this.source = readFileSync(path, 'utf8');
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
