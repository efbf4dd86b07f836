import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { gauge } from '@app/observability';
import { RedisService, rebuiltRunIdKey, serversOrGap } from '@app/redis';

/** How often the servers are asked again while the sales are held. */
const HELD_RECHECK_MS = 50;
const salesHeld = gauge(
  'seckill_sales_held',
  'Whether this gateway holds its sales: 1 while Redis may be behind the ledger',
);

/**
 * Holds every sale (503 UNAVAILABLE, nothing taken) while a Redis server may be behind the ledger: one this
 * gateway has not sold from before (a restart, perhaps from an older AOF; a promoted replica) and that the
 * order-service has not yet rebuilt from PostgreSQL (its run id in the server's `rebuiltRunIdKey`, written
 * by the order-service's check once the sales under way are rebuilt). Without the hold, a restarted server
 * sells again what it forgot was sold until the rebuild replaces its figures, and those 202s end FAILED.
 *
 * A dropped connection holds at once (no command reaches the server that comes back before the check), and
 * the servers are asked when the connection is ready again; every REDIS_REBUILD_CHECK_INTERVAL_MS too, for
 * a cluster's failover, which ends only the client's connection to that master, not its own (a master gone
 * holds at the next check, before its replica is promoted); every HELD_RECHECK_MS while held.
 * At its start a gateway trusts the servers it first finds (unless its connection dropped, or a cluster's
 * master went, before it could ask): the order-service's own start check guards a Redis that restarted while
 * no gateway ran. A purchase that waited before its reservation asks again (ReservationScript, RESERVE_HOLD).
 */
@Injectable()
export class SaleHold implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SaleHold.name);
  /** read by every purchase: a field, not a call (set only here) */
  holding = false;
  /** bumped by every dropped connection: a check begun before the drop cannot lift the hold */
  private drops = 0;
  /** whether a check found a cluster's master gone (after which first sight is no longer trusted either) */
  private gapSeen = false;
  /** run ids this gateway sells from: those it first found, then those vouched for since */
  private readonly trusted = new Set<string>();
  private heldSince = 0;
  private checking?: { drops: number; done: Promise<void> };
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.redis.client.on('close', this.onClose);
    this.redis.client.on('ready', this.onReady);
    await this.checkNow();
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.redis.client.off('close', this.onClose);
    this.redis.client.off('ready', this.onReady);
    await this.checking?.done;
  }

  private readonly onClose = () => {
    this.drops++;
    this.hold(true, 'the connection to Redis dropped');
  };

  private readonly onReady = () => void this.checkNow();

  /**
   * A caller during a check joins it, unless the connection dropped since it began (its commands went with
   * the old connection: it may only end at the command timeout, and its answers are discarded). None while
   * the connection is down ('ready' asks).
   */
  private checkNow(): Promise<void> {
    if (this.redis.client.status !== 'ready') return Promise.resolve();
    if (this.checking?.drops === this.drops) return this.checking.done;
    const checking = { drops: this.drops, done: Promise.resolve() };
    checking.done = this.check(checking.drops)
      .catch((err: Error) => this.logger.warn({ msg: 'the sale hold check failed', err: err.message }))
      .finally(() => this.checking === checking && (this.checking = undefined));
    this.checking = checking;
    return checking.done;
  }

  private async check(drops: number): Promise<void> {
    const found = await serversOrGap(this.redis.client);
    if ('gap' in found) {
      this.gapSeen = true; // a cluster's master gone: its slots' next owner is unknown, and not trusted at sight
      return this.hold(true, found.gap);
    }
    const unseen = found.servers.filter((s) => !this.trusted.has(s.runId));
    // Trusted at first sight only at the start, not after a dropped connection or a master gone (a restart?).
    const firstSight = this.trusted.size === 0 && this.drops === 0 && !this.gapSeen;
    const vouched = firstSight
      ? unseen.map((s) => s.runId)
      : await Promise.all(unseen.map((s) => this.redis.client.get(rebuiltRunIdKey(s))));
    if (drops !== this.drops) return; // the connection dropped meanwhile: the answers may be the old server's
    unseen.forEach((s, i) => vouched[i] === s.runId && this.trusted.add(s.runId));
    const behind = unseen.filter((s) => !this.trusted.has(s.runId)).length;
    this.hold(behind > 0, `${behind} Redis server(s) not yet rebuilt from the ledger`);
  }

  private hold(held: boolean, why: string): void {
    if (held === this.holding) return;
    this.holding = held;
    salesHeld.set(held ? 1 : 0);
    if (!held) {
      const heldMs = Date.now() - this.heldSince;
      this.logger.warn({ msg: 'sales resumed: every Redis server is one the ledger vouches for', heldMs });
      return;
    }
    this.heldSince = Date.now();
    this.logger.warn({ msg: 'sales held: Redis may be behind the ledger', why });
    this.schedule(); // asked again soon, not at the end of the usual interval
  }

  /** The next check (one timer at a time: a new schedule replaces the one pending). */
  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    const delay = this.holding ? HELD_RECHECK_MS : this.config.REDIS_REBUILD_CHECK_INTERVAL_MS;
    this.timer = setTimeout(() => void this.checkNow().then(() => this.schedule()), delay);
    this.timer.unref();
  }
}
