import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from './redis-client';

/**
 * A Lua script read once from its `.lua` file and run by SHA (EVALSHA);
 * only when Redis does not know the SHA yet (first call, restart, SCRIPT FLUSH) is the body sent.
 * On a cluster both go to the node that owns the keys' slot, so each node (a promoted replica too)
 * learns the script on its first NOSCRIPT.
 */
export class LuaScript {
  readonly source: string;
  readonly sha: string;

  /** @param prelude Lua put before the file's body: definitions the script shares with TypeScript */
  constructor(path: string, prelude = '') {
    this.source = prelude + readFileSync(path, 'utf8');
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  async run(redis: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
