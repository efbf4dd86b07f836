import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { activitiesTable, redisServersTable } from '@app/database';
import { PeriodicService } from '@app/common';
import { counter } from '@app/observability';
import { RedisServer, RedisService, redisServers } from '@app/redis';
import { RebuildOutcome, allShardKeys, rebuildActivity, stockKeys } from '@app/stock';

const rebuilt = counter('redis_rebuilds_total', 'Activities whose Redis state was rebuilt from PostgreSQL', [
  'reason',
]);

/**
 * Keeps Redis rebuildable from PostgreSQL, the ledger, without anyone's help. Every
 * REDIS_REBUILD_CHECK_INTERVAL_MS it rebuilds an open activity (its sale or its pay window not over) whose
 * Redis state is missing (wiped, FLUSHALL, a replica that never had it, a warm-up that failed), and every
 * open activity held by a Redis server the ledger does not know: one whose run id is not in
 * `redis_servers` (a restart, perhaps from an older AOF, or a promoted replica), since it may be behind the
 * ledger. Each server is asked for its own run id (every master of a cluster), and the known ones are kept
 * in PostgreSQL, so a server that lost writes while no order-service ran is noticed at the next start. The
 * order intake also asks for a rebuild when the ledger refused what Redis had admitted (Redis was behind).
 * One rebuild per activity at a time.
 */
@Injectable()
export class RedisRebuild extends PeriodicService {
  /** per activity: the rebuild queued last, and the one not started yet (callers may join that one) */
  private readonly latest = new Map<number, Promise<RebuildOutcome | null>>();
  private readonly waiting = new Map<number, Promise<RebuildOutcome | null>>();
  /** run ids of the Redis servers the ledger knows (a cache of `redis_servers`) */
  private readonly knownServers = new Set<string>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisService,
  ) {
    super('redis rebuild check', config.REDIS_REBUILD_CHECK_INTERVAL_MS);
  }

  /**
   * One check before the service serves: a Redis that restarted (perhaps from an older AOF) while no
   * order-service ran is rebuilt before its requests are taken. Redis or PostgreSQL down at boot: the
   * first check that reaches both does it.
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

  /** One pass: which open activities Redis lacks, or holds on a server the ledger does not know. */
  async check(): Promise<number[]> {
    const open = await activitiesTable.open(this.db);
    const servers = await redisServers(this.redis.client);
    const unknown = await this.unknownAmong(servers);
    // A key no server is known to hold (the client's slot map is behind a failover) counts as behind too.
    const behind = (key: string) => unknown.some((s) => s.holds(key)) || !servers.some((s) => s.holds(key));
    // Single commands, not one pipeline: on a cluster the activities live on several nodes (auto-pipelining
    // still sends what goes to one node in one write).
    // A sharded activity needs every shard's meta too: each shard lives on its own master.
    const metas = ({ id, shards }: { id: number; shards: number }) =>
      shards > 1
        ? [stockKeys(id).meta, ...allShardKeys(id, shards).map((k) => k.meta)]
        : [stockKeys(id).meta];
    const present = await Promise.all(
      open.map((a) =>
        Promise.all(metas(a).map((key) => this.redis.client.exists(key))).then(
          (n) => n.every((one) => one === 1),
          () => false,
        ),
      ),
    );
    const missing = new Set(open.filter((_, i) => !present[i]).map((a) => a.id));
    const due = open.filter((a) => missing.has(a.id) || metas(a).some(behind)).map((a) => a.id);
    for (const id of due) await this.rebuild(id, missing.has(id) ? 'missing' : 'redis_restarted');
    await this.remember(unknown);
    return due;
  }

  private async unknownAmong(servers: RedisServer[]): Promise<RedisServer[]> {
    const unseen = servers.filter((s) => !this.knownServers.has(s.runId));
    if (unseen.length === 0) return [];
    const known = await redisServersTable.known(
      this.db,
      unseen.map((s) => s.runId),
    );
    for (const runId of known) this.knownServers.add(runId);
    return unseen.filter((s) => !this.knownServers.has(s.runId));
  }

  /** After their activities are rebuilt: these servers are as good as the ledger from now on. */
  private async remember(servers: RedisServer[]): Promise<void> {
    if (servers.length === 0) return;
    const ids = servers.map((s) => s.runId);
    await redisServersTable.remember(this.db, ids);
    for (const id of ids) this.knownServers.add(id);
  }
}
