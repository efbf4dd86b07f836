import { randomUUID } from 'node:crypto';
import { OrderRequestMessage } from '@app/contracts';
import { activitiesTable, ordersTable, runnerQuery } from '@app/database';
import { OrderWriter } from '../../../apps/order-service/src/order-requests/order-writer';
import { TestClients, range } from '../../support/clients';
import { insertOpenActivity } from '../../support/activity-rows';
import { insertOrder, orderRow } from '../../support/order-rows';

// The order writer against the real PostgreSQL, as the ledger: what Redis admitted is checked again.
describe('order writes checked against the stock in PostgreSQL', () => {
  let clients: TestClients;
  let writer: OrderWriter;

  beforeAll(async () => {
    clients = await TestClients.connect();
    writer = new OrderWriter(clients.db);
  });
  afterAll(() => clients?.close());

  async function activity(stock: number): Promise<number> {
    const saved = await insertOpenActivity(clients.db, { name: 'ledger spec', stock, perUserLimit: 3 });
    return saved.id;
  }
  const requests = (activityId: number, prefix: string, quantities: number[]): OrderRequestMessage[] =>
    quantities.map((quantity, i) => ({
      orderId: randomUUID(),
      activityId,
      userId: `${prefix}-${i}`,
      quantity,
      reservedAt: Date.now(),
    }));
  const noRebuild = async (r: OrderRequestMessage[]) => r;
  const sold = async (activityId: number) =>
    (await clients.orders(activityId))
      .filter((o) => o.status !== 'CANCELLED')
      .reduce((sum, o) => sum + o.quantity, 0);

  it('when batches race for more than the stock (Redis lost its decrements), then exactly the stock is written', async () => {
    const id = await activity(10);
    const batches = range(4).map((b) => requests(id, `race-${b}`, [1, 1, 1, 1, 1]));
    const written = await Promise.all(batches.map((batch) => writer.write(id, batch, 0, noRebuild)));
    expect(written.flat()).toHaveLength(10);
    expect(await sold(id)).toBe(10);
  });

  it('when a batch only partly fits, then its requests are admitted in order while the running total fits', async () => {
    const id = await activity(5);
    const batch = requests(id, 'order', [2, 2, 2, 1]);
    const written = await writer.write(id, batch, 0, noRebuild);
    expect(written.map((o) => o.id).sort()).toEqual([batch[0].orderId, batch[1].orderId].sort());
    expect(await sold(id)).toBe(4);
  });

  it('when a request is delivered again, then it is neither written twice nor counted twice', async () => {
    const id = await activity(2);
    const batch = requests(id, 'replay', [1, 1]);
    await writer.write(id, batch, 0, noRebuild);
    const again = await writer.write(id, batch, 0, noRebuild);
    expect(again.map((o) => o.id).sort()).toEqual(batch.map((r) => r.orderId).sort());
    expect(await sold(id)).toBe(2);
  });

  it('when the activity was rebuilt since the take, then only what Redis still holds is written', async () => {
    const id = await activity(5);
    await clients.db.query('UPDATE activities SET rebuilds = 1 WHERE id = $1', [id]);
    const batch = requests(id, 'rebuilt', [1, 1]);
    const written = await writer.write(id, batch, 0, async (r) => r.slice(1));
    expect(written.map((o) => o.id)).toEqual([batch[1].orderId]);
  });

  // The check reads each activity's live quantity (the sum of its PENDING and PAID orders) from the
  // activity's row, where statement triggers on orders keep it, instead of summing the orders at every batch.
  describe('the live quantity an activity row keeps for it', () => {
    const kept = async (id: number): Promise<number> =>
      (await activitiesTable.lock(clients.db, id))[0].liveQuantity;
    const alternating = (count: number) => range(count).map((i) => 1 + (i % 2));
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

      await clients.db.query(`UPDATE orders SET status = 'PAID', paid_at = now() WHERE id = $1`, [
        rows[0].id,
      ]);
      expect(await kept(a)).toBe(5); // paying keeps an order live

      // one statement cancelling orders of two activities
      await overdue([rows[0].id, rows[3].id]);
      await ordersTable.cancelDue(clients.db, [rows[3].id, rows[4].id]);
      expect([await kept(a), await kept(b)]).toEqual([5, 1]);

      await clients.db.query('DELETE FROM orders WHERE id = $1', [rows[1].id]);
      await clients.db.query(`UPDATE orders SET quantity = 2 WHERE id = $1`, [rows[4].id]);
      expect([await kept(a), await kept(b)]).toEqual([await sold(a), await sold(b)]);
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
      const first = requests(id, 'first', alternating(40));
      await writer.write(id, first, 0, noRebuild);
      await overdue(first.map((r) => r.orderId));
      await Promise.all([
        ...range(6).map((b) => writer.write(id, requests(id, `batch-${b}`, alternating(25)), 0, noRebuild)),
        ...range(4).map((c) =>
          ordersTable.cancelDue(
            clients.db,
            first.filter((_, i) => i % 4 === c).map((r) => r.orderId),
          ),
        ),
      ]);
      expect(await sold(id)).toBe(6 * 37); // 25 requests of 1 and 2 each: 13 × 1 + 12 × 2
      expect(await kept(id)).toBe(await sold(id));
    });

    it('when the row says the stock is taken, then the writer writes nothing: the check reads the row, not the orders', async () => {
      const id = await activity(5);
      await clients.db.query('UPDATE activities SET live_added = 5 WHERE id = $1', [id]);
      const written = await writer.write(id, requests(id, 'refused', [1]), 0, noRebuild);
      expect(written).toEqual([]);
      expect(await sold(id)).toBe(0);
    });
  });

  // A batch's check must cost one index probe per request, whatever the planner believes of the activity: a
  // fresh activity's statistics say it has no orders, and an anti-join over all its live orders is then
  // O(batch × orders) — 1.4 s for a batch of 1,065 against 20,000 orders in the bench's steady row.
  describe('the cost of a batch against an activity that already sold many units', () => {
    interface PlanNode {
      'Actual Rows': number;
      'Actual Loops': number;
      'Rows Removed by Filter'?: number;
      'Rows Removed by Join Filter'?: number;
      Plans?: PlanNode[];
    }
    /** Rows every node of the plan handled (returned, or dropped by its filters), over all its loops. */
    const work = (node: PlanNode): number =>
      (node['Actual Rows'] +
        (node['Rows Removed by Filter'] ?? 0) +
        (node['Rows Removed by Join Filter'] ?? 0)) *
        node['Actual Loops'] +
      (node.Plans ?? []).reduce((sum, child) => sum + work(child), 0);

    // 'before': the table's statistics know other activities' orders and none of this one's, as on a table
    // that autovacuum analysed before the sale began and not since (10 % of a large table must change
    // first). The planner then expects one row of this activity from any index that leads with it.
    it.each([
      ['as they stand', 'as-is'],
      ['analysed before the activity sold anything', 'before'],
      ['once ANALYZE has counted them', 'after'],
    ] as const)(
      'when the activity holds 20,000 live orders (statistics %s), then a batch of 1,000 handles O(batch) rows (rolled back here)',
      async (_, analyze) => {
        const id = await activity(30_000);
        const runner = clients.db.createQueryRunner();
        await runner.startTransaction();
        try {
          if (analyze === 'before') {
            await runner.query('TRUNCATE orders CASCADE'); // so that ANALYZE sees only the orders below
            const others = [await activity(10_000), await activity(10_000), await activity(10_000)];
            await runner.query(
              `INSERT INTO orders (id, activity_id, user_id, quantity, status, created_at, expires_at)
               SELECT gen_random_uuid(), a, 'other-' || g, 1, 'PENDING', now(), now() + interval '15 minutes'
                 FROM unnest($1::int[]) AS a, generate_series(1, 10000) AS g`,
              [others],
            );
            await runner.query('ANALYZE orders');
          }
          await runner.query(
            `INSERT INTO orders (id, activity_id, user_id, quantity, status, created_at, expires_at)
             SELECT gen_random_uuid(), $1, 'sold-' || g, 1, 'PENDING', now(), now() + interval '15 minutes'
               FROM generate_series(1, 20000) AS g`,
            [id],
          );
          if (analyze === 'after') await runner.query('ANALYZE orders');
          const batch = requests(
            id,
            'batch',
            range(1_000).map(() => 1),
          );
          const plans: PlanNode[] = [];
          const explained = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
            const [row] = await runner.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
            plans.push(row['QUERY PLAN'][0].Plan);
            return [];
          };
          const lines = batch.map((r) => ({ id: r.orderId, activityId: id, userId: r.userId, quantity: 1 }));
          await ordersTable.insertWithinStock(explained, id, lines, 10_000, 900);
          const [{ n }] = await runner.query('SELECT count(*)::int AS n FROM orders WHERE activity_id = $1', [
            id,
          ]);
          expect(n).toBe(21_000); // every request fitted and was written
          expect(work(plans[0])).toBeLessThan(20 * batch.length);
        } finally {
          await runner.rollbackTransaction();
          await runner.release();
        }
      },
    );
  });
});
