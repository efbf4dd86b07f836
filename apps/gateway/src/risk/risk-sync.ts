import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RedisService } from '@app/redis';
import { StockStore, stockKeys } from '@app/stock';
import { ActivityWindows, WINDOW_FIELDS, parseWindow } from './activity-windows';
import { BlacklistStore } from './blacklist.store';
import { CLOCK, Clock, RiskChecks } from './risk-checks';
import { SoldOutFlags } from './sold-out-flags';

/**
 * The backstop of the pub/sub sync. At boot (before the first request) and whenever the subscriber
 * reconnects (messages sent while it was away are lost), it re-reads from Redis the blacklist and, for
 * every activity this instance holds, its window and remaining stock (summed over its stock shards, if it
 * has several). Every RISK_REFRESH_INTERVAL_MS in between, the blacklist, the activities it refuses as sold
 * out (the copy whose lost message would refuse buyers wrongly) and a few others in turn: a catalogue of
 * thousands of open activities costs no more than a few.
 * Off the purchase path: one pipelined read per refresh, whatever the number of purchases.
 */
/** Activities besides the sold-out ones re-read per periodic refresh. */
const TURN = 10;

@Injectable()
export class RiskSync implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RiskSync.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** where the last turn stopped among the activities held (by id) */
  private turnAfter = 0;

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
    this.timer = setInterval(() => void this.refresh(TURN), this.config.RISK_REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /**
   * Every activity held, or (`turn`) the sold-out ones and the next `turn` others. Concurrent calls share
   * one refresh. A failure is logged: the copies stay as they are until the next.
   */
  refresh(turn?: number): Promise<void> {
    this.running ??= this.refreshOnce(turn)
      .catch((err) => this.logger.warn({ msg: 'risk refresh failed', err: (err as Error).message }))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async refreshOnce(turn?: number): Promise<void> {
    const now = this.clock.now();
    this.checks.prune(now);
    this.windows.forgetUnknown();
    const ids = [...new Set([...this.soldOut.flagged(), ...this.inTurn(this.windows.notOver(now), turn)])];
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

  /** All of them, or the next `turn` by id after the last turn's (then from the start again). */
  private inTurn(ids: number[], turn?: number): number[] {
    if (turn === undefined || ids.length <= turn) return ids;
    const sorted = ids.sort((a, b) => a - b);
    const from = sorted.findIndex((id) => id > this.turnAfter);
    const some = (from < 0 ? sorted : sorted.slice(from)).slice(0, turn);
    this.turnAfter = some.length < turn ? 0 : some[some.length - 1];
    return some;
  }
}
