import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { queryRows } from '@app/database';
import { PeriodicService } from '@app/common';
import { counter } from '@app/observability';
import { RedisService } from '@app/redis';
import { RebuildOutcome, allShardKeys, rebuildActivity, stockKeys } from '@app/stock';

const rebuilt = counter('redis_rebuilds_total', 'Activities whose Redis state was rebuilt from PostgreSQL', [
  'reason',
]);

/**
 * Keeps Redis rebuildable from PostgreSQL, the ledger, without anyone's help. Every
 * REDIS_REBUILD_CHECK_INTERVAL_MS it rebuilds an open activity (its sale or its pay window not over) whose
 * Redis state is missing (wiped, FLUSHALL, a replica that never had it, a warm-up that failed), and every
 * open activity when Redis itself changed (its run id: a restart, perhaps from an older AOF, or a failover),
 * since Redis may then be behind the ledger. The order intake also asks for a rebuild when the ledger
 * refused what Redis had admitted (Redis was behind). One rebuild per activity at a time.
 */
@Injectable()
export class RedisRebuild extends PeriodicService {
  /** per activity: the rebuild queued last, and the one not started yet (callers may join that one) */
  private readonly latest = new Map<number, Promise<RebuildOutcome | null>>();
  private readonly waiting = new Map<number, Promise<RebuildOutcome | null>>();
  private redisRunId?: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisService,
  ) {
    super('redis rebuild check', config.REDIS_REBUILD_CHECK_INTERVAL_MS);
  }

  /**
   * One check before the service serves: it learns the run id of the Redis it starts with, so that a
   * restart soon after the start (perhaps from an older AOF) is noticed too. Redis down at boot: the first
   * check that reaches it sets the run id.
   */
  override async onApplicationBootstrap(): Promise<void> {
    await this.check().catch((err: Error) =>
      this.logger.warn({ msg: 'redis rebuild check at start failed', err: err.message }),
    );
    super.onApplicationBootstrap();
  }

  protected tick(): Promise<unknown> {
    return this.check();
  }

  /**
   * Rebuilds after any rebuild of this activity in progress (which may have counted before the caller's
   * change), joining one that is waiting to start; null for an unknown activity.
   */
  rebuild(activityId: number, reason = 'ledger_refused'): Promise<RebuildOutcome | null> {
    const waiting = this.waiting.get(activityId);
    if (waiting) return waiting;
    const previous = this.latest.get(activityId) ?? Promise.resolve(null);
    const run = previous
      .catch(() => null)
      .then(() => {
        this.waiting.delete(activityId);
        return rebuildActivity(this.db, this.redis.client, activityId);
      })
      .then((outcome) => {
        if (outcome) {
          rebuilt.inc({ reason });
          this.logger.warn({ msg: 'activity rebuilt in Redis from PostgreSQL', reason, ...outcome });
        }
        return outcome;
      })
      .finally(() => {
        if (this.latest.get(activityId) === run) this.latest.delete(activityId);
      });
    this.waiting.set(activityId, run);
    this.latest.set(activityId, run);
    return run;
  }

  /** One pass: which open activities Redis lacks (or all of them, if Redis is not the server it was). */
  async check(): Promise<number[]> {
    const open = await queryRows<{ id: number; shards: number }>(
      this.db,
      `SELECT id, stock_shards AS shards FROM activities WHERE ends_at + make_interval(secs => pay_timeout_seconds) > now() ORDER BY id`,
    );
    const runId = /run_id:(\w+)/.exec(await this.redis.client.info('server'))?.[1];
    const restarted = this.redisRunId !== undefined && runId !== this.redisRunId;
    // Single commands, not one pipeline: on a cluster the activities live on several nodes (auto-pipelining
    // still sends what goes to one node in one write).
    // A sharded activity needs every shard's meta too: each shard lives on its own master.
    const metas = ({ id, shards }: { id: number; shards: number }) =>
      shards > 1 ? [stockKeys(id).meta, ...allShardKeys(id, shards).map((k) => k.meta)] : [stockKeys(id).meta];
    const present = await Promise.all(
      open.map((a) =>
        Promise.all(metas(a).map((key) => this.redis.client.exists(key))).then(
          (n) => n.every((one) => one === 1),
          () => false,
        ),
      ),
    );
    const missing = open.filter((_, i) => !present[i]).map((a) => a.id);
    const due = restarted ? open.map((a) => a.id) : missing;
    for (const id of due) await this.rebuild(id, missing.includes(id) ? 'missing' : 'redis_restarted');
    this.redisRunId = runId;
    return due;
  }
}
