import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { OrderStatus, createDataSource } from '@app/database';
import { insertOrder, orderRow } from './order-rows';
import { ReservationState, stockKeys } from '@app/stock';
import { InvariantReport, checkInvariants } from '@app/reconcile';
import { insertOpenActivity } from './activity-rows';

/** The names of the invariants a report says failed, in the report's order. */
export const failedChecks = (report: InvariantReport) =>
  report.checks.filter((c) => !c.ok).map((c) => c.name);

/**
 * Sales written straight into the real Redis and PostgreSQL, exactly as the services leave them, for the
 * reconcile specs to corrupt one fact at a time; `close` removes every activity made and disconnects.
 */
export class ReconcileFixtures {
  private readonly activityIds: number[] = [];
  redis!: Redis;
  db!: DataSource;

  private constructor() {}

  /** The fixtures of one spec: connected before its tests (migrated), cleaned up and closed after them. */
  static forSpec(): ReconcileFixtures {
    const fixtures = new ReconcileFixtures();
    beforeAll(() => fixtures.open());
    afterAll(() => fixtures.close());
    return fixtures;
  }

  /** Connects to the configured Redis and PostgreSQL (migrated). */
  private async open(): Promise<void> {
    const config = loadConfig();
    this.db = await createDataSource(config).initialize();
    await this.db.runMigrations();
    this.redis = new Redis(config.REDIS_URL);
  }

  /** Reconcile's invariants 1–6 on the activity, as they stand. */
  check(activityId: number): Promise<InvariantReport> {
    return checkInvariants({ redis: this.redis, db: this.db, activityId });
  }

  /** Puts a reservation record in Redis exactly as the reservation script and its successors leave it. */
  async reserve(
    activityId: number,
    orderId: string,
    userId: string,
    quantity: number,
    state: ReservationState,
  ) {
    const k = stockKeys(activityId);
    await this.redis.hset(k.reservations, orderId, `${state}|${userId}|${quantity}|${Date.now()}`);
    await this.redis.hset(k.buyers, userId, orderId);
  }

  /** An order row and its reservation, in the state the services leave them once done with it. */
  async addOrder(
    activityId: number,
    userId: string,
    status: OrderStatus,
    quantity = 1,
    state: ReservationState = status === 'CANCELLED' ? 'X' : 'O',
  ): Promise<string> {
    const row = orderRow(activityId, userId, status, quantity);
    // A cancelled order is done with: its stock is back.
    await insertOrder(this.db, { ...row, stockReleasedAt: row.cancelledAt });
    await this.reserve(activityId, row.id, userId, quantity, state);
    return row.id;
  }

  /**
   * A finished sale of 10 items that adds up: alice PENDING 2, bob PAID 1, carol CANCELLED 1 (released),
   * dave's reservation undone (never an order). Remaining 10 − 3 = 7.
   */
  async seedConsistentSale() {
    const activity = await insertOpenActivity(this.db, {
      name: 'reconcile spec',
      stock: 10,
      perUserLimit: 2,
    });
    const id = activity.id;
    this.activityIds.push(id);
    const alice = await this.addOrder(id, 'alice', 'PENDING', 2);
    const bob = await this.addOrder(id, 'bob', 'PAID');
    const carol = await this.addOrder(id, 'carol', 'CANCELLED');
    await this.reserve(id, randomUUID(), 'dave', 1, 'U');
    await this.redis.set(stockKeys(id).stock, 7);
    return { id, orders: { alice, bob, carol } };
  }

  async close(): Promise<void> {
    for (const id of this.activityIds) {
      await this.db.query('DELETE FROM orders WHERE activity_id = $1', [id]);
      await this.db.query('DELETE FROM activities WHERE id = $1', [id]);
      await this.redis.del(...Object.values(stockKeys(id)));
    }
    await this.db.destroy();
    await this.redis.quit();
  }
}
