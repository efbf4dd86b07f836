import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PeriodicService } from '@app/common';
import { activitiesTable } from '@app/database';
import { LuaScript, RedisService } from '@app/redis';
import { keysUnder, riskKeys, shardTag } from '@app/stock';

/** Finished activities looked at per run, oldest first (the rest wait for the next run). */
const BATCH = 500;
const retire = new LuaScript(join(__dirname, 'retire.lua'));

/**
 * A finished activity's Redis keys (stock, reservations, buyers, idempotency, admission) expire
 * ACTIVITY_RETENTION_SECONDS after its end plus its pay timeout — by then every order is paid or
 * cancelled and PostgreSQL holds the whole story (reconcile judges such an activity from the ledger).
 * Without it Redis grows with every sale. The expiry is set again on every run while the activity is
 * within a day past its retention, so a key created late (a last release) gets it too. Nothing in flight
 * is retired: while a reservation waits for recovery to publish it (retire.lua), its keys stay. The set
 * recovery scans is left by recovery itself, on the same rule (forget.lua).
 */
@Injectable()
export class ActivityRetention extends PeriodicService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super('activity retention', config.ACTIVITY_RETENTION_INTERVAL_MS);
  }

  protected tick(): Promise<unknown> {
    return this.expireFinished();
  }

  /** Sets the expiry on the keys of every activity whose pay timeouts are all over. */
  async expireFinished(): Promise<number> {
    const retention = this.config.ACTIVITY_RETENTION_SECONDS;
    const rows = await activitiesTable.retirable(this.db, retention, BATCH);
    if (rows.length === 0) return 0;
    // One script per activity's slot (a sharded activity: per shard, each in its own slot).
    for (const { id, expires, shards } of rows) {
      const tags = Array.from({ length: shards > 1 ? shards : 0 }, (_, i) => shardTag(id, i, shards));
      for (const tag of [String(id), ...tags]) {
        const k = keysUnder(tag);
        const keys = [k.meta, k.stock, k.reservations, k.buyers, k.unconfirmed, k.idempotency, k.promised];
        const expiring = [...keys, k.transfersOut, k.transfersIn, riskKeys(tag, '').admission];
        await retire.run(this.redis.client, [k.unconfirmed, k.transfersOut, ...expiring], [Number(expires)]);
      }
    }
    return rows.length;
  }
}
