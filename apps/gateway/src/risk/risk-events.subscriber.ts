import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RedisClient, createRedisClient } from '@app/redis';
import { ActivityWindow, ActivityWindows } from './activity-windows';
import { BlacklistStore } from './blacklist.store';
import { ActivityChange, SALE_CHANNELS, parseActivityChange, parseStockChange } from '@app/stock';
import { RiskSync } from './risk-sync';
import { SoldOutFlags } from './sold-out-flags';

/**
 * The gateway's second Redis connection, in subscriber mode (a subscribed connection can run no other
 * command), owned here: connected and subscribed on init, closed on shutdown. It applies what other
 * instances, scripts and services announce to this instance's in-process copies, within milliseconds.
 * On a Redis Cluster, classic PUBLISH (from a client or a script) reaches every node, so this one
 * subscription on any node hears it all; ioredis moves it to another node if that one fails.
 */
@Injectable()
export class RiskEvents implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RiskEvents.name);
  private readonly subscriber: RedisClient;
  private connectedBefore = false;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly windows: ActivityWindows,
    private readonly soldOut: SoldOutFlags,
    private readonly blacklist: BlacklistStore,
    private readonly sync: RiskSync,
  ) {
    this.subscriber = createRedisClient(config, {
      lazyConnect: true,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    });
    this.subscriber.on('error', (err) => this.logger.warn({ msg: 'subscriber error', err: err.message }));
    this.subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    // ioredis subscribes again after a reconnect; what was published meanwhile is re-read instead.
    this.subscriber.on('ready', () => {
      if (this.connectedBefore) void this.sync.refresh();
      this.connectedBefore = true;
    });
  }

  async onModuleInit(): Promise<void> {
    await this.subscriber.connect();
    await this.subscriber.subscribe(...Object.values(SALE_CHANNELS));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  private dispatch(channel: string, message: string): void {
    if (channel === SALE_CHANNELS.stock) {
      const change = parseStockChange(message);
      if (change) this.soldOut.applyChange(change.activityId, change.remaining);
    } else if (channel === SALE_CHANNELS.activity) {
      const change = parseActivityChange(message);
      if (change) this.windows.applyChange(change.id, windowOf(change));
    } else if (channel === SALE_CHANNELS.blacklist) {
      this.blacklist
        .reload()
        .catch((err) => this.logger.warn({ msg: 'blacklist reload failed', err: (err as Error).message }));
    }
  }
}

function windowOf(change: ActivityChange): ActivityWindow {
  const { startsAt, endsAt, purchaseToken, challengeBits, waitingRoom } = change;
  const window: ActivityWindow = { startsAt, endsAt };
  if (purchaseToken) window.defences = { token: true, challengeBits: challengeBits ?? 0 };
  if (waitingRoom) window.room = waitingRoom;
  return window;
}
