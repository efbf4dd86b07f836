import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { activitiesTable, ordersTable, paymentsTable } from '@app/database';
import { StockStore } from '@app/stock';
import { ConsumerLags, TimeoutLag } from './consumer-lags';
import { PaymentCounts, paymentCounts } from './payment-counts';
import { purchaseAnswers } from './purchase-answers';
import { Rooms } from '../waiting-room/rooms';

/** What the dashboard shows at one instant; rates are derived in the browser from successive snapshots. */
export interface DashboardSnapshot {
  at: number;
  activity: { id: number; name: string; stock: number; remaining: number } | null;
  /** purchase attempts answered by this gateway instance since it started, by outcome (cumulative) */
  purchases: Record<string, number>;
  /** orders of the activity by status: count */
  orders: { PENDING: number; PAID: number; CANCELLED: number };
  /** the activity's payments: captured at the provider, late (refunded by the saga), refunds pending, done */
  payments: PaymentCounts;
  /** messages not yet committed: order requests (order-service), timeouts (cancel-service) due or not */
  lag: { orderRequests: number; timeouts: TimeoutLag };
  /** the activity's waiting room as this gateway's copy holds it (null: no room, or none held here) */
  room: { waiting: number; admitted: number; serving: number; admitRate: number } | null;
}

type Shared = Pick<DashboardSnapshot, 'purchases' | 'lag'>;

@Injectable()
export class DashboardService {
  /** The parts of a snapshot that no activity owns, shared by the snapshots of one interval. */
  private shared?: { at: number; value: Promise<Shared> };

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stock: StockStore,
    private readonly lags: ConsumerLags,
    private readonly rooms: Rooms,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The activity to show: the one asked for, else the most recent. */
  async snapshot(activityId?: number): Promise<DashboardSnapshot> {
    const [row] = await activitiesTable.byIdOrLatest(this.db, activityId);
    const [remaining, orders, payments, { purchases, lag }] = await Promise.all([
      row ? this.stock.remaining(row.id) : null,
      row ? this.ordersByStatus(row.id) : { PENDING: 0, PAID: 0, CANCELLED: 0 },
      row ? this.paymentsOf(row.id) : paymentCounts([]),
      this.sharedParts(),
    ]);
    return {
      at: Date.now(),
      activity: row ? { id: row.id, name: row.name, stock: row.stock, remaining: remaining ?? 0 } : null,
      purchases,
      orders,
      payments,
      lag,
      room: row ? this.room(row.id) : null,
    };
  }

  private room(activityId: number): DashboardSnapshot['room'] {
    const room = this.rooms.held().find((r) => r.activityId === activityId);
    if (!room) return null;
    const { serving, admitted } = room;
    return { waiting: Math.max(0, room.joined - serving), admitted, serving, admitRate: room.admitRate };
  }

  /** The most recent activities whose sale is open, `limit` at most. */
  async openActivities(limit: number): Promise<number[]> {
    // Whose sale is on (or a minute from its start or end): the ones worth recording unwatched.
    const rows = await activitiesTable.onSale(this.db, limit);
    return rows.map((r) => r.id);
  }

  private sharedParts(): Promise<Shared> {
    const now = performance.now();
    if (this.shared && now - this.shared.at < this.config.DASHBOARD_INTERVAL_MS / 2) return this.shared.value;
    const value = Promise.all([purchaseAnswers(), this.lags.orderRequests(), this.lags.timeouts()]).then(
      ([purchases, orderRequests, timeouts]) => ({ purchases, lag: { orderRequests, timeouts } }),
    );
    this.shared = { at: now, value };
    return value;
  }

  private async paymentsOf(activityId: number): Promise<PaymentCounts> {
    return paymentCounts(await paymentsTable.countsOfActivity(this.db, activityId));
  }

  private async ordersByStatus(activityId: number): Promise<DashboardSnapshot['orders']> {
    const rows = await ordersTable.countByStatus(this.db, activityId);
    const orders = { PENDING: 0, PAID: 0, CANCELLED: 0 };
    for (const r of rows) orders[r.status] = Number(r.count);
    return orders;
  }
}
