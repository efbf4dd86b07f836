import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { ActivityEntity, OrderEntity, createDataSource } from '@app/database';

describe('PostgreSQL through TypeORM (real PostgreSQL)', () => {
  let db: DataSource;
  let activity: ActivityEntity;

  beforeAll(async () => {
    db = await createDataSource(loadConfig()).initialize();
    await db.runMigrations();
    activity = await db.getRepository(ActivityEntity).save({
      name: 'integration test',
      stock: 10,
      startsAt: new Date(),
      endsAt: new Date(Date.now() + 60_000),
      perUserLimit: 1,
      payTimeoutSeconds: 30,
    });
  });

  afterAll(async () => {
    await db.getRepository(OrderEntity).delete({ activityId: activity.id });
    await db.getRepository(ActivityEntity).delete({ id: activity.id });
    await db.destroy();
  });

  const order = (userId: string, status: OrderEntity['status'] = 'PENDING'): Partial<OrderEntity> => ({
    id: randomUUID(),
    activityId: activity.id,
    userId,
    quantity: 1,
    status,
    createdAt: new Date(),
    expiresAt: new Date(Date.now() + 30_000),
    paidAt: status === 'PAID' ? new Date() : null,
    cancelledAt: status === 'CANCELLED' ? new Date() : null,
  });

  it('when migrations have run, then the schema is recorded and nothing is pending', async () => {
    const rows: { name: string }[] = await db.query('SELECT name FROM migrations');
    expect(rows.map((r) => r.name)).toContain('CreateActivitiesAndOrders1763700000000');
    await expect(db.showMigrations()).resolves.toBe(false);
  });

  it('when an order is written, then it reads back with every column', async () => {
    const written = order('reader');
    await db.getRepository(OrderEntity).insert(written);
    const read = await db.getRepository(OrderEntity).findOneByOrFail({ id: written.id });
    expect(read).toMatchObject({
      id: written.id,
      activityId: activity.id,
      userId: 'reader',
      quantity: 1,
      status: 'PENDING',
    });
    expect(read.expiresAt.getTime()).toBe(written.expiresAt!.getTime());
  });

  it('when a buyer already has a live order, then the database refuses a second one', async () => {
    await db.getRepository(OrderEntity).insert(order('twice'));
    await expect(db.getRepository(OrderEntity).insert(order('twice'))).rejects.toThrow(
      /orders_one_live_per_buyer/,
    );
  });

  it('when the earlier order was cancelled, then the buyer may order again', async () => {
    await db.getRepository(OrderEntity).insert(order('again', 'CANCELLED'));
    await expect(db.getRepository(OrderEntity).insert(order('again'))).resolves.toBeDefined();
  });
});
