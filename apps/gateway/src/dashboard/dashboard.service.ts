import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Counter } from 'prom-client';
import { TOPICS, timeoutTopic } from '@app/contracts';
import { APP_CONFIG, AppConfig } from '@app/config';
import { KafkaAdminService } from '@app/kafka';
import { metricsRegistry } from '@app/observability';
import { StockStore } from '@app/stock';

/** What the dashboard shows at one instant; rates are derived in the browser from successive snapshots. */
export interface DashboardSnapshot {
  at: number;
  activity: { id: number; name: string; stock: number; remaining: number } | null;
  /** purchase attempts answered by this gateway instance since it started, by outcome (cumulative) */
  purchases: Record<string, number>;
  /** orders of the activity by status: count */
  orders: { PENDING: number; PAID: number; CANCELLED: number };
  /** messages not yet committed by each consumer group */
  lag: { orderRequests: number; timeouts: number };
}

@Injectable()
export class DashboardService {
  private readonly timeoutTopics: string[];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stock: StockStore,
    private readonly kafka: KafkaAdminService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.timeoutTopics = config.TIMEOUT_DELAY_LEVELS_SECONDS.map(timeoutTopic);
  }

  /** The activity to show: the one asked for, else the most recent. */
  async snapshot(activityId?: number): Promise<DashboardSnapshot> {
    const [row] = await this.db.query(
      activityId
        ? 'SELECT id, name, stock FROM activities WHERE id = $1'
        : 'SELECT id, name, stock FROM activities ORDER BY id DESC LIMIT 1',
      activityId ? [activityId] : [],
    );
    const [remaining, orders, lagRequests, lagTimeouts, purchases] = await Promise.all([
      row ? this.stock.remaining(row.id) : null,
      row ? this.ordersByStatus(row.id) : { PENDING: 0, PAID: 0, CANCELLED: 0 },
      this.kafka.consumerLag('order-service', [TOPICS.orderRequests]),
      this.kafka.consumerLag('cancel-service', this.timeoutTopics),
      this.purchases(),
    ]);
    return {
      at: Date.now(),
      activity: row ? { id: row.id, name: row.name, stock: row.stock, remaining: remaining ?? 0 } : null,
      purchases,
      orders,
      lag: { orderRequests: lagRequests, timeouts: lagTimeouts },
    };
  }

  private async ordersByStatus(activityId: number): Promise<DashboardSnapshot['orders']> {
    const rows: { status: keyof DashboardSnapshot['orders']; count: string }[] = await this.db.query(
      'SELECT status, count(*) AS count FROM orders WHERE activity_id = $1 GROUP BY status',
      [activityId],
    );
    const orders = { PENDING: 0, PAID: 0, CANCELLED: 0 };
    for (const r of rows) orders[r.status] = Number(r.count);
    return orders;
  }

  private async purchases(): Promise<Record<string, number>> {
    const metric = metricsRegistry.getSingleMetric('seckill_purchases_total') as Counter | undefined;
    const values = metric ? (await metric.get()).values : [];
    return Object.fromEntries(values.map((v) => [String(v.labels.outcome), v.value]));
  }
}
