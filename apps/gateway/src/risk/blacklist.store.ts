import { Injectable } from '@nestjs/common';
import type { ChainableCommander } from 'ioredis';
import { RedisService } from '@app/redis';
import { Blacklist, BlacklistEntry, BlacklistKind, BlacklistSnapshot } from './blacklist';
import { SALE_CHANNELS } from '@app/stock';

/**
 * The blacklist in Redis: one hash (`<kind>:<value>` → `{reason, addedAt}`) and a version counter.
 * Global, not per activity, and never read on the purchase path, so its keys carry no activity tag; the
 * version's tag `{seckill:blacklist}` puts it in the entries' slot, so that one MULTI holds both on a cluster.
 * Every change bumps the version and publishes on the blacklist channel in the same MULTI; each gateway
 * then reloads the snapshot into its in-process Blacklist.
 */
export const BLACKLIST_KEYS = { entries: 'seckill:blacklist', version: '{seckill:blacklist}:version' };

@Injectable()
export class BlacklistStore {
  constructor(
    private readonly redis: RedisService,
    private readonly blacklist: Blacklist,
  ) {}

  /** Adds (or replaces the reason of) an entry; this instance applies it before answering. */
  async add(kind: BlacklistKind, value: string, reason: string): Promise<BlacklistEntry> {
    const entry: BlacklistEntry = { kind, value, reason, addedAt: new Date().toISOString() };
    await this.change((m) => m.hset(BLACKLIST_KEYS.entries, field(kind, value), stored(entry)));
    return entry;
  }

  /** @returns false when there was no such entry */
  async remove(kind: BlacklistKind, value: string): Promise<boolean> {
    const [removed] = await this.change((m) => m.hdel(BLACKLIST_KEYS.entries, field(kind, value)));
    return removed === 1;
  }

  async snapshot(): Promise<BlacklistSnapshot> {
    const replies = await this.redis.client
      .multi()
      .get(BLACKLIST_KEYS.version)
      .hgetall(BLACKLIST_KEYS.entries)
      .exec();
    const [[, version], [, hash]] = checked(replies) as [
      [null, string | null],
      [null, Record<string, string>],
    ];
    const entries = Object.entries(hash)
      .map(([f, json]) => parseEntry(f, json))
      .filter((e): e is BlacklistEntry => e !== null)
      .sort((a, b) => a.addedAt.localeCompare(b.addedAt));
    return { version: Number(version ?? 0), entries };
  }

  /** Reads the snapshot into this instance's in-process copy. */
  async reload(): Promise<void> {
    this.blacklist.replace(await this.snapshot());
  }

  private async change(write: (m: ChainableCommander) => unknown): Promise<unknown[]> {
    const multi = this.redis.client.multi();
    write(multi);
    multi.incr(BLACKLIST_KEYS.version).publish(SALE_CHANNELS.blacklist, 'changed');
    const results = checked(await multi.exec()).map(([, value]) => value);
    await this.reload();
    return results;
  }
}

const field = (kind: BlacklistKind, value: string) => `${kind}:${value}`;
const stored = ({ reason, addedAt }: BlacklistEntry) => JSON.stringify({ reason, addedAt });

function parseEntry(f: string, json: string): BlacklistEntry | null {
  const at = f.indexOf(':');
  const kind = f.slice(0, at);
  if (kind !== 'user' && kind !== 'ip') return null;
  const { reason = '', addedAt = '' } = JSON.parse(json) as Partial<BlacklistEntry>;
  return { kind, value: f.slice(at + 1), reason, addedAt };
}

function checked(replies: [Error | null, unknown][] | null): [null, unknown][] {
  if (!replies) throw new Error('redis transaction was aborted');
  const failed = replies.find(([err]) => err);
  if (failed) throw failed[0];
  return replies as [null, unknown][];
}
