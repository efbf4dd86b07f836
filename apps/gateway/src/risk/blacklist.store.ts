import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { unavailable } from '@app/common';
import { TransactionQuery, blacklistTable, inTransaction } from '@app/database';
import { LuaScript, RedisService } from '@app/redis';
import { SALE_CHANNELS } from '@app/stock';
import { Blacklist, BlacklistEntry, BlacklistKind, BlacklistSnapshot } from './blacklist';

/**
 * Redis's copy of the blacklist: one hash (`<kind>:<value>` → `{reason, addedAt}`) and the version it is
 * at. Global, not per activity, and never read on the purchase path, so its keys carry no activity tag;
 * the version's tag `{seckill:blacklist}` puts it in the entries' slot, so one script holds both on a cluster.
 */
export const BLACKLIST_KEYS = { entries: 'seckill:blacklist', version: '{seckill:blacklist}:ledger-version' };

const mirrorScript = new LuaScript(
  join(__dirname, 'blacklist-mirror.lua'),
  `local BLACKLIST_CHANNEL = '${SALE_CHANNELS.blacklist}'\n`,
);

/**
 * The blacklist: PostgreSQL holds it (tables `blacklist`, `blacklist_version`), Redis carries it to the
 * gateways. A change is written to PostgreSQL with the next version, then the whole snapshot is copied to
 * Redis, which tells every gateway (blacklist channel); each reloads its in-process Blacklist from Redis.
 * Versions come from PostgreSQL, so a Redis that lost its data cannot send them backwards: its copy is
 * older than what a gateway holds (or missing), and the gateway ignores it, reads PostgreSQL instead and
 * writes the copy back. A gateway reads PostgreSQL at boot too: Redis may be empty, or older.
 */
@Injectable()
export class BlacklistStore {
  constructor(
    private readonly redis: RedisService,
    @InjectDataSource() private readonly db: DataSource,
    private readonly blacklist: Blacklist,
  ) {}

  /** Adds (or replaces the reason of) an entry; this instance applies it before answering. */
  async add(kind: BlacklistKind, value: string, reason: string): Promise<BlacklistEntry> {
    const entry: BlacklistEntry = { kind, value, reason, addedAt: new Date().toISOString() };
    await this.change((q) => blacklistTable.put(q, kind, value, reason, entry.addedAt));
    return entry;
  }

  /** @returns false when there was no such entry */
  async remove(kind: BlacklistKind, value: string): Promise<boolean> {
    let removed = false;
    await this.change(async (q) => {
      removed = await blacklistTable.remove(q, kind, value);
    });
    return removed;
  }

  /** The blacklist as PostgreSQL holds it, at its version (one statement: one snapshot). */
  async snapshot(): Promise<BlacklistSnapshot> {
    const { version, entries } = await blacklistTable.snapshot<BlacklistKind>(this.db);
    return {
      version,
      entries: entries.map((r) => ({
        kind: r.kind,
        value: r.value,
        reason: r.reason,
        addedAt: r.addedAt.toISOString(),
      })),
    };
  }

  /**
   * Brings this instance's copy up to date: from Redis when its copy is as new as the one held, else (at
   * boot, or when Redis lost the blacklist) from PostgreSQL, putting Redis's copy back too.
   */
  async reload(): Promise<void> {
    const copy = await this.copyInRedis();
    const held = this.blacklist.version;
    if (held >= 0 && copy && copy.version >= held) return this.blacklist.replace(copy);
    const snapshot = await this.snapshot();
    this.blacklist.replace(snapshot);
    await this.mirror(snapshot);
  }

  private async change(write: (q: TransactionQuery) => Promise<unknown>): Promise<void> {
    await inTransaction(this.db, async (q) => {
      await write(q);
      await blacklistTable.nextVersion(q);
    });
    const snapshot = await this.snapshot();
    this.blacklist.replace(snapshot);
    try {
      await this.mirror(snapshot);
    } catch {
      throw unavailable('the blacklist was saved but not sent to the gateways; repeat the same request');
    }
  }

  private mirror(snapshot: BlacklistSnapshot): Promise<unknown> {
    const pairs = snapshot.entries.flatMap((e) => [field(e.kind, e.value), stored(e)]);
    return mirrorScript.run(
      this.redis.client,
      [BLACKLIST_KEYS.entries, BLACKLIST_KEYS.version],
      [snapshot.version, ...pairs],
    );
  }

  /** Redis's copy, or null when Redis has none (lost, or never written). */
  private async copyInRedis(): Promise<BlacklistSnapshot | null> {
    const replies = await this.redis.client
      .multi()
      .get(BLACKLIST_KEYS.version)
      .hgetall(BLACKLIST_KEYS.entries)
      .exec();
    const [[, version], [, hash]] = checked(replies) as [
      [null, string | null],
      [null, Record<string, string>],
    ];
    if (version === null) return null;
    const entries = Object.entries(hash)
      .map(([f, json]) => parseEntry(f, json))
      .filter((e): e is BlacklistEntry => e !== null);
    return { version: Number(version), entries };
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
