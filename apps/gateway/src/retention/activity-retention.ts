import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PeriodicService } from '@app/common';
import { LuaScript, RedisService } from '@app/redis';
import { activitiesTable } from '@app/database';
import { SELLING_HOLD_MS, announceSelling, keysUnder, riskKeys, shardTag } from '@app/stock';

/** Visits due per run, earliest first (the rest wait for the next run). */
const BATCH = 500;
/** Above every activity id (an int4): a run that saw every visit due up to its time made them all. */
const MAX_ID = 2_147_483_647;
/** How far back a starting gateway looks: a retention's span, and a day. */
const LOOK_BACK_SECONDS = 86_400;
const retire = new LuaScript(join(__dirname, 'retire.lua'));

interface Finished {
  id: number;
  shards: number;
  /** when its keys expire (epoch s) */
  expires: number;
}

/**
 * A finished activity's Redis keys (stock, reservations, buyers, idempotency, admission) expire
 * ACTIVITY_RETENTION_SECONDS after its end plus its pay timeout — by then every order is paid or
 * cancelled and PostgreSQL holds the whole story (reconcile judges such an activity from the ledger).
 * Without it Redis grows with every sale. Each activity is visited when it finishes and again when its
 * keys expire (a key created after the first visit, by a last release, goes then): the runs follow due
 * times in PostgreSQL, not the catalogue, and a starting gateway looks back a retention and a day. Nothing
 * in flight is retired: while a reservation waits for recovery to publish it (retire.lua), its keys stay,
 * and the activity is visited again every run until it can go, each run announced to recovery (a gateway
 * may have reserved in it without its announcement landing), which visits it until nothing is in flight.
 */
@Injectable()
export class ActivityRetention extends PeriodicService {
  /** the visits up to here, by due time (PostgreSQL's clock) then id, are made; unset until the first run */
  private visitedUpTo?: { due: Date; id: number };
  /** visited while something of them was in flight: again every run */
  private readonly waiting = new Map<number, Finished>();

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

  /** Visits the activities due since the last run (and those still waiting); returns how many retired. */
  async expireFinished(): Promise<number> {
    const retention = this.config.ACTIVITY_RETENTION_SECONDS;
    const [{ at }] = (await this.db.query('SELECT now() AS at')) as { at: Date }[];
    const rows = await activitiesTable.dueForRetention(this.db, {
      retentionSeconds: retention,
      since: this.visitedUpTo ?? null,
      at,
      lookBackSeconds: LOOK_BACK_SECONDS,
      limit: BATCH,
    });
    const last = rows[rows.length - 1];
    this.visitedUpTo = rows.length < BATCH ? { due: at, id: MAX_ID } : { due: last.due, id: last.id };
    for (const { id, shards, expires } of rows)
      this.waiting.set(id, { id, shards, expires: Number(expires) });
    let retired = 0;
    for (const activity of [...this.waiting.values()]) {
      if (!(await this.retire(activity))) continue;
      this.waiting.delete(activity.id);
      retired++;
    }
    // Something of them still in flight: recovery looks at each (a gateway may have reserved in it
    // without its announcement landing, and recovery's turns cover open activities only).
    if (this.waiting.size > 0)
      await announceSelling(this.redis.client, [...this.waiting.keys()], SELLING_HOLD_MS + 1);
    return retired;
  }

  /** One script per slot of the activity (a sharded one: per shard, each in its own slot). */
  private async retire({ id, shards, expires }: Finished): Promise<boolean> {
    const tags = Array.from({ length: shards > 1 ? shards : 0 }, (_, i) => shardTag(id, i, shards));
    let all = true;
    for (const tag of [String(id), ...tags]) {
      const k = keysUnder(tag);
      const keys = [k.meta, k.stock, k.reservations, k.buyers, k.unconfirmed, k.idempotency, k.promises];
      const expiring = [...keys, k.transfersOut, k.transfersIn, riskKeys(tag, '').admission];
      const done = await retire.run(
        this.redis.client,
        [k.unconfirmed, k.transfersOut, ...expiring],
        [expires],
      );
      all &&= done === 1;
    }
    return all;
  }
}
