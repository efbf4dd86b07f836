import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { OpenActivity, activitiesTable, redisServersTable } from '@app/database';
import { PeriodicService } from '@app/common';
import { counter } from '@app/observability';
import { RedisServer, RedisService, markOf, redisServers } from '@app/redis';
import {
  RebuildOutcome,
  SELLING_HOLD_MS,
  allShardKeys,
  announceSelling,
  rebuildActivity,
  stockKeys,
} from '@app/stock';
import { renewMarks, vouchFor } from './ledger-marks';
import { OpenActivityTurns } from './open-activities';

/** Open activities the backstop looks at per run, in turn. */
const BACKSTOP_PER_RUN = 10;
/** Its meta, and each stock shard's. */
const metaKeys = ({ id, shards }: OpenActivity): string[] => [
  stockKeys(id).meta,
  ...(shards > 1 ? allShardKeys(id, shards).map((k) => k.meta) : []),
];

const rebuiltHelp = 'Activities whose Redis state was rebuilt from PostgreSQL';
const rebuilt = counter('redis_rebuilds_total', rebuiltHelp, ['reason']);

/**
 * Keeps Redis rebuildable from PostgreSQL, the ledger, without anyone's help. It rebuilds an open activity
 * (its sale or its pay window not over) whose Redis state is missing (wiped, a replica that never had it),
 * and every open activity held by a server whose run id is not in `redis_servers` (a restart, perhaps from
 * an older AOF, or a promoted replica: it may be behind the ledger), then vouches for each server (its run
 * id in its `rebuiltRunIdKey`), which lifts the gateways' hold. Every REDIS_REBUILD_CHECK_INTERVAL_MS, and
 * when the connection is ready again, it asks each server (every master of a cluster) its run id and
 * whether its mark (a key only a wipe removes) is still there: either signal, and every start, checks
 * every open activity once; otherwise a few are looked at in turn. The order intake also asks for a
 * rebuild when the ledger refused what Redis had admitted, or found no meta. One rebuild per activity at
 * a time.
 */
@Injectable()
export class RedisRebuild extends PeriodicService {
  /** per activity: the rebuild queued last, and the one not started yet (callers may join that one) */
  private readonly latest = new Map<number, Promise<RebuildOutcome | null>>();
  private readonly waiting = new Map<number, Promise<RebuildOutcome | null>>();
  /** run ids of the Redis servers the ledger knows (a cache of `redis_servers`) */
  private readonly knownServers = new Set<string>();
  /** per mark: the token it held when this instance's last full check began */
  private readonly checkedMarks = new Map<string, string>();
  /** the backstop: a few open activities a run, in turn */
  private readonly turns: OpenActivityTurns;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisService,
  ) {
    super('redis rebuild check', config.REDIS_REBUILD_CHECK_INTERVAL_MS);
    this.turns = new OpenActivityTurns(db, BACKSTOP_PER_RUN);
  }

  /** One check before the service serves (Redis or PostgreSQL down at boot: the first that reaches both). */
  override async onApplicationBootstrap(): Promise<void> {
    await this.check().catch((err: Error) =>
      this.logger.warn({ msg: 'redis rebuild check at start failed', err: err.message }),
    );
    super.onApplicationBootstrap();
    this.redis.client.on('ready', this.onReady);
  }

  override beforeApplicationShutdown(): Promise<void> {
    this.redis.client.off('ready', this.onReady);
    return super.beforeApplicationShutdown();
  }

  private readonly onReady = () => void this.runNow(); // a Redis back: the gateways hold until a check

  protected tick(): Promise<unknown> {
    return this.check();
  }

  /** After any rebuild of it in progress (joining one waiting to start); null for an unknown activity. */
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

  /**
   * One pass. Every server is asked for its run id and its mark (the two per-master signals): a server the
   * ledger does not know, or one whose mark is gone (wiped), asks for a full check; otherwise a few open
   * activities are looked at in turn, the backstop for one that lost its keys alone. Returns the
   * activities rebuilt.
   */
  async check(): Promise<number[]> {
    const servers = await redisServers(this.redis.client);
    const unknown = await this.unknownAmong(servers);
    const marks = servers.map((s) => markOf(s));
    const tokens = await Promise.all(marks.map((key) => this.redis.client.get(key)));
    // A mark gone (wiped), or not the one this instance last checked against (another instance found it
    // gone; or this instance's start, or a full check that failed before it recorded the tokens).
    const changed = marks.some((key, i) => tokens[i] !== this.checkedMarks.get(key));
    if (unknown.length === 0 && !changed) {
      await vouchFor(this.redis.client, servers, { unlessDone: true }); // every one known: rebuilt
      return this.checkSome();
    }
    const current = await renewMarks(this.redis.client, marks, tokens);
    const due = await this.checkAll(servers, unknown);
    marks.forEach((key, i) => this.checkedMarks.set(key, current[i] ?? ''));
    return due;
  }

  /** Every open activity: which ones Redis lacks, or holds on a server the ledger does not know. */
  private async checkAll(servers: RedisServer[], unknown: RedisServer[]): Promise<number[]> {
    const open = await activitiesTable.open(this.db);
    // A key no server is known to hold (the client's slot map is behind a failover) counts as behind too.
    const behind = (key: string) => unknown.some((s) => s.holds(key)) || !servers.some((s) => s.holds(key));
    const missing = await this.missingAmong(open);
    const due = open.filter((a) => missing.has(a.id) || metaKeys(a).some(behind));
    const failed: unknown[] = [];
    const rebuildAll = async (list: OpenActivity[]) => {
      for (const { id } of list)
        await this.rebuild(id, missing.has(id) ? 'missing' : 'redis_restarted').catch((e) => failed.push(e));
    };
    // The sales under way first; then the gateways, which sell nothing else, may sell again (one rebuild that
    // fails does not hold every sale). The run ids are remembered last: a death or a failed rebuild before
    // that leaves a server unknown, checked whole again.
    await rebuildAll(due.filter((a) => a.selling));
    await vouchFor(this.redis.client, servers);
    await rebuildAll(due.filter((a) => !a.selling));
    if (failed.length > 0) throw failed[0];
    await this.remember(unknown);
    // Whatever was in flight on a server that lost writes (or everything, after a start): recovery looks
    // at every open activity once.
    const ids = open.map((a) => a.id);
    await announceSelling(this.redis.client, ids, SELLING_HOLD_MS + 1);
    return due.map((a) => a.id);
  }

  /** The backstop's turn: the next few open activities, by id (then from the start again). */
  private async checkSome(): Promise<number[]> {
    const missing = await this.missingAmong(await this.turns.next());
    for (const id of missing) await this.rebuild(id, 'missing');
    return [...missing];
  }

  /**
   * Which of these activities lack a meta (a sharded one needs every shard's: each on its own master).
   * Single commands: on a cluster they live on several nodes (auto-pipelining groups each node's).
   */
  private async missingAmong(open: OpenActivity[]): Promise<Set<number>> {
    const present = await Promise.all(
      open.map((a) =>
        Promise.all(metaKeys(a).map((key) => this.redis.client.exists(key))).then(
          (n) => n.every((one) => one === 1),
          () => false,
        ),
      ),
    );
    return new Set(open.filter((_, i) => !present[i]).map((a) => a.id));
  }

  private async unknownAmong(servers: RedisServer[]): Promise<RedisServer[]> {
    const unseen = servers.filter((s) => !this.knownServers.has(s.runId));
    if (unseen.length === 0) return [];
    const runIds = unseen.map((s) => s.runId);
    const known = await redisServersTable.known(this.db, runIds);
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
