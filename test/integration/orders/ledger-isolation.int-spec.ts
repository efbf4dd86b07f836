import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { createDataSource } from '@app/database';
import { OrderWriter } from '../../../apps/order-service/src/order-requests/order-writer';
import { TestClients } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { insertOpenActivity } from '../../support/activity-rows';

// The ledger's stock check reads, in its INSERT, the orders committed before it: READ COMMITTED takes a
// snapshot per statement. A database whose default isolation is REPEATABLE READ (an operator's choice, a
// managed service's default) must not change that: the services ask for their level themselves.
describe('the ledger on a database whose default isolation is repeatable read', () => {
  const name = `seckill_isolation_${randomBytes(4).toString('hex')}`;
  let clients: TestClients;
  let url: string;
  let db: DataSource;

  beforeAll(async () => {
    clients = await TestClients.connect();
    await clients.db.query(`CREATE DATABASE ${name}`);
    await clients.db.query(`ALTER DATABASE ${name} SET default_transaction_isolation = 'repeatable read'`);
    const parsed = new URL(loadConfig().DATABASE_URL);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    db = await createDataSource({ ...loadConfig(), DATABASE_URL: url }).initialize();
    await db.runMigrations();
  });

  afterAll(async () => {
    await db?.destroy();
    await clients?.db.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await clients?.close();
  });

  async function isolationOf(run: (sql: string) => Promise<{ transaction_isolation: string }[]>) {
    await run('BEGIN');
    const [{ transaction_isolation }] = await run('SHOW transaction_isolation');
    await run('ROLLBACK');
    return transaction_isolation;
  }

  it("when a service's data source opens a transaction, then it is read committed (a plain client gets the database's repeatable read)", async () => {
    const plain = new Client({ connectionString: url });
    await plain.connect();
    try {
      expect(await isolationOf(async (sql) => (await plain.query(sql)).rows)).toBe('repeatable read');
    } finally {
      await plain.end();
    }
    const runner = db.createQueryRunner();
    await runner.connect();
    try {
      expect(await isolationOf((sql) => runner.query(sql))).toBe('read committed');
    } finally {
      await runner.release();
    }
  });

  it('when two order writers race for the last unit, then exactly one order is written', async () => {
    const { id } = await insertOpenActivity(db, { name: 'isolation spec', stock: 1, perUserLimit: 1 });
    const request = (userId: string) => [
      { orderId: randomUUID(), activityId: id, userId, quantity: 1, reservedAt: Date.now() },
    ];
    // The activity row is held, so that both writers start (and take their first snapshot) before
    // either may write; released, they take turns on the row lock.
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query('SELECT id FROM activities WHERE id = $1 FOR UPDATE', [id]);
    const writer = new OrderWriter(db);
    const noRebuild = async <T>(r: T) => r;
    const writes = [
      writer.write(id, request('ann'), 0, noRebuild),
      writer.write(id, request('ben'), 0, noRebuild),
    ];
    try {
      await eventually(async () => {
        const [waiting] = await db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
          [name],
        );
        expect(waiting.n).toBe(2);
      });
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
    const written = (await Promise.all(writes)).flat();

    expect(written).toHaveLength(1);
    const [live] = await db.query(
      `SELECT coalesce(sum(quantity), 0)::int AS n FROM orders WHERE activity_id = $1 AND status IN ('PENDING', 'PAID')`,
      [id],
    );
    expect(live.n).toBe(1);
  });
});
