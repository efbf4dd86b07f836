import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { Activity, OrderStatus, activitiesTable, createDataSource, ordersTable } from '@app/database';
import { insertOrder, orderRow } from '../../support/order-rows';

describe('PostgreSQL through TypeORM (real PostgreSQL)', () => {
  let db: DataSource;
  let activity: Activity;

  beforeAll(async () => {
    db = await createDataSource(loadConfig()).initialize();
    await db.runMigrations();
    activity = await activitiesTable.insert(db, {
      name: 'integration test',
      stock: 10,
      startsAt: new Date(),
      endsAt: new Date(Date.now() + 60_000),
      perUserLimit: 1,
      payTimeoutSeconds: 30,
    });
  });

  afterAll(async () => {
    await db.query('DELETE FROM orders WHERE activity_id = $1', [activity.id]);
    await db.query('DELETE FROM activities WHERE id = $1', [activity.id]);
    await db.destroy();
  });

  const order = (userId: string, status?: OrderStatus) => orderRow(activity.id, userId, status);

  it('when migrations have run, then the schema is recorded and nothing is pending', async () => {
    const rows: { name: string }[] = await db.query('SELECT name FROM migrations');
    expect(rows.map((r) => r.name)).toContain('CreateActivitiesAndOrders1763700000000');
    await expect(db.showMigrations()).resolves.toBe(false);
  });

  it('when an order is written, then it reads back with every column', async () => {
    const written = order('reader');
    await insertOrder(db, written);
    const [read] = await ordersTable.byIds(db, [written.id]);
    // The orders table's one column list, mapped to every field of an Order.
    expect(read).toEqual({
      id: written.id,
      activityId: activity.id,
      userId: 'reader',
      quantity: 1,
      status: 'PENDING',
      createdAt: written.createdAt,
      expiresAt: written.expiresAt,
      paidAt: null,
      cancelledAt: null,
      stockReleasedAt: null,
      paidAnnouncedAt: null,
      paymentId: null,
    });
  });

  it('when a buyer already has a live order, then the database refuses a second one', async () => {
    await insertOrder(db, order('twice'));
    await expect(insertOrder(db, order('twice'))).rejects.toThrow(/orders_one_live_per_buyer/);
  });

  it('when the earlier order was cancelled, then the buyer may order again', async () => {
    await insertOrder(db, order('again', 'CANCELLED'));
    await expect(insertOrder(db, order('again'))).resolves.toBeUndefined();
  });
});
