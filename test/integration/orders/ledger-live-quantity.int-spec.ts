import { randomUUID } from 'node:crypto';
import { OrderRequestMessage } from '@app/contracts';
import { activitiesTable, ordersTable, runnerQuery } from '@app/database';
import { OrderWriter } from '../../../apps/order-service/src/order-requests/order-writer';
import { TestClients, range } from '../../support/clients';
import { insertOpenActivity } from '../../support/activity-rows';
import { insertOrder, orderRow } from '../../support/order-rows';

// The ledger's check reads each activity's live quantity (the sum of its PENDING and PAID orders) from the
// activity's row, where statement triggers on orders keep it, instead of summing the orders at every batch.
describe('the live quantity an activity row keeps for the ledger (real PostgreSQL)', () => {
  let clients: TestClients;
  let writer: OrderWriter;

  beforeAll(async () => {
    clients = await TestClients.connect();
    writer = new OrderWriter(clients.db);
  });
  afterAll(() => clients?.close());

  const activity = async (stock: number) =>
    (await insertOpenActivity(clients.db, { name: 'live quantity spec', stock, perUserLimit: 5 })).id;
  const kept = async (id: number): Promise<number> =>
    (await activitiesTable.lock(clients.db, id))[0].liveQuantity;
  const summed = async (id: number): Promise<number> =>
    (
      await clients.db.query(
        `SELECT coalesce(sum(quantity), 0)::int AS q FROM orders WHERE activity_id = $1 AND status IN ('PENDING', 'PAID')`,
        [id],
      )
    )[0].q;
  const requests = (activityId: number, prefix: string, count: number): OrderRequestMessage[] =>
    range(count).map((i) => ({
      orderId: randomUUID(),
      activityId,
      userId: `${prefix}-${i}`,
      quantity: 1 + (i % 2),
      reservedAt: Date.now(),
    }));
  const overdue = (ids: string[]) =>
    clients.db.query(
      `UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = ANY($1::uuid[])`,
      [ids],
    );

  it('when orders are written, paid, cancelled and removed by any statement, then the live quantity follows', async () => {
    const [a, b] = [await activity(50), await activity(50)];
    const rows = [
      orderRow(a, 'pending', 'PENDING', 2),
      orderRow(a, 'paid', 'PAID', 3),
      orderRow(a, 'cancelled', 'CANCELLED', 4),
      orderRow(b, 'other', 'PENDING', 5),
      orderRow(b, 'later', 'PENDING', 1),
    ];
    for (const row of rows) await insertOrder(clients.db, row);
    expect([await kept(a), await kept(b)]).toEqual([5, 6]);

    await clients.db.query(`UPDATE orders SET status = 'PAID', paid_at = now() WHERE id = $1`, [rows[0].id]);
    expect(await kept(a)).toBe(5); // paying keeps an order live

    // one statement cancelling orders of two activities
    await overdue([rows[0].id, rows[3].id]);
    await ordersTable.cancelDue(clients.db, [rows[3].id, rows[4].id]);
    expect([await kept(a), await kept(b)]).toEqual([5, 1]);

    await clients.db.query('DELETE FROM orders WHERE id = $1', [rows[1].id]);
    await clients.db.query(`UPDATE orders SET quantity = 2 WHERE id = $1`, [rows[4].id]);
    expect([await kept(a), await kept(b)]).toEqual([await summed(a), await summed(b)]);
    expect([await kept(a), await kept(b)]).toEqual([2, 2]);
  });

  it('when orders of one activity are inserted at once without its row lock (as fixtures do), then none deadlocks', async () => {
    const id = await activity(100);
    // each INSERT's foreign key shares the activity's row: a trigger asking FOR UPDATE on it deadlocked
    await Promise.all(range(20).map((i) => insertOrder(clients.db, orderRow(id, `at-once-${i}`))));
    expect(await kept(id)).toBe(20);
  });

  it('when the orders are truncated, then every live quantity is zero (rolled back here)', async () => {
    const id = await activity(5);
    await insertOrder(clients.db, orderRow(id, 'truncated', 'PENDING', 3));
    const runner = clients.db.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query('TRUNCATE orders CASCADE');
      const [row] = await activitiesTable.lock(runnerQuery(runner), id);
      expect(row.liveQuantity).toBe(0);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect(await kept(id)).toBe(3);
  });

  it('when writers and cancellations run at once on one activity, then it ends at the sum of its live orders', async () => {
    const id = await activity(1_000);
    const first = requests(id, 'first', 40);
    await writer.write(id, first, 0, async (r) => r);
    await overdue(first.map((r) => r.orderId));
    const noRebuild = async (r: OrderRequestMessage[]) => r;
    await Promise.all([
      ...range(6).map((b) => writer.write(id, requests(id, `batch-${b}`, 25), 0, noRebuild)),
      ...range(4).map((c) =>
        ordersTable.cancelDue(
          clients.db,
          first.filter((_, i) => i % 4 === c).map((r) => r.orderId),
        ),
      ),
    ]);
    expect(await summed(id)).toBe(6 * 37); // 25 requests of 1 and 2 each: 13 × 1 + 12 × 2
    expect(await kept(id)).toBe(await summed(id));
  });

  it('when the row says the stock is taken, then the writer writes nothing: the check reads the row, not the orders', async () => {
    const id = await activity(5);
    await clients.db.query('UPDATE activities SET live_added = 5 WHERE id = $1', [id]);
    const written = await writer.write(id, requests(id, 'refused', 1), 0, async (r) => r);
    expect(written).toEqual([]);
    expect(await summed(id)).toBe(0);
  });
});
