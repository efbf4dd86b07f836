import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ordersTable } from '@app/database';
import { scrapeGauge } from '@app/observability';
import { ConsumerLags } from './consumer-lags';

/**
 * What the Prometheus alerts of a sale watch, on the gateway's /metrics, measured at scrape time. The
 * gateway neither consumes nor cancels, so a stalled or dead consumer still shows its backlog growing.
 */
@Injectable()
export class SaleWatchMetrics implements OnModuleInit {
  /** How late an order may be before it counts as stuck: the sweeper's own grace, not to alert before it. */
  private readonly graceMs: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lags: ConsumerLags,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.graceMs = config.SWEEPER_GRACE_MS;
  }

  onModuleInit(): void {
    scrapeGauge(
      'kafka_consumer_group_lag',
      'Messages not yet committed, by consumer group',
      ['group'],
      async () => [{ labels: { group: 'order-service' }, value: await this.lags.orderRequests() }],
    );
    // cancel-service's backlog is mostly timeouts not yet due, which is no trouble: only the due part is.
    scrapeGauge(
      'order_timeout_lag',
      'Timeout messages cancel-service has not handled: due (a backlog) or scheduled (not yet due)',
      ['state'],
      async () => {
        const { due, scheduled } = await this.lags.timeouts();
        return [
          { labels: { state: 'due' }, value: due },
          { labels: { state: 'scheduled' }, value: scheduled },
        ];
      },
    );
    scrapeGauge(
      'orders_release_pending',
      'Cancelled orders whose stock is not back in Redis',
      [],
      async () => [{ value: await this.count('releasePending') }],
    );
    scrapeGauge('orders_overdue', 'PENDING orders past expires_at that nobody cancelled', [], async () => [
      { value: await this.count('overdue') },
    ]);
  }

  private count(kind: 'releasePending' | 'overdue'): Promise<number> {
    return ordersTable.countStuck(this.db, kind, this.graceMs);
  }
}
