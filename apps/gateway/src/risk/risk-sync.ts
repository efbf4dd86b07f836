import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RedisService } from '@app/redis';
import { StockStore, stockKeys } from '@app/stock';
import { ActivityWindows, WINDOW_FIELDS, parseWindow } from './activity-windows';
import { BlacklistStore } from './blacklist.store';
import { CLOCK, Clock, RiskChecks } from './risk-checks';
import { SoldOutFlags } from './sold-out-flags';

/**
 * The backstop of the pub/sub sync: at boot (before the first request), every RISK_REFRESH_INTERVAL_MS,
 * and whenever the subscriber reconnects (messages sent while it was away are lost), re-reads from Redis
 * the blacklist and, for every activity this instance holds, its window and remaining stock (summed over
 * its stock shards, if it has several).
 * Off the purchase path: one pipelined read per refresh, whatever the number of purchases.
 */
@Injectable()
export class RiskSync implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RiskSync.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly redis: RedisService,
    private readonly windows: ActivityWindows,
    private readonly soldOut: SoldOutFlags,
    private readonly blacklist: BlacklistStore,
    private readonly checks: RiskChecks,
    private readonly stock: StockStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.RISK_REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Concurrent calls share one refresh. A failure is logged: the copies stay as they are until the next. */
  refresh(): Promise<void> {
    this.running ??= this.refreshOnce()
      .catch((err) => this.logger.warn({ msg: 'risk refresh failed', err: (err as Error).message }))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async refreshOnce(): Promise<void> {
    const now = this.clock.now();
    this.checks.prune(now);
    this.windows.forgetUnknown();
    const ids = [...new Set([...this.windows.notOver(now), ...this.soldOut.flagged()])];
    const stamps = ids.map((id) => [this.windows.changes.stamp(id), this.soldOut.stamp(id)]);
    // Not one pipeline: on a cluster a pipeline must stay on one node, and the activities spread over all;
    // the client's auto-pipelining still sends what goes to one node in one write.
    const client = this.redis.client;
    const reads = ids.map((id) =>
      Promise.allSettled([client.hmget(stockKeys(id).meta, ...WINDOW_FIELDS), this.stock.remaining(id)]),
    );
    const [, replies] = await Promise.all([this.blacklist.reload(), Promise.all(reads)]);
    ids.forEach((id, i) => {
      const [meta, stock] = replies[i];
      if (meta.status === 'fulfilled') this.windows.applyRead(id, parseWindow(meta.value), stamps[i][0]);
      if (stock.status === 'fulfilled' && stock.value !== null)
        this.soldOut.applyRead(id, stock.value, stamps[i][1]);
    });
  }
}
