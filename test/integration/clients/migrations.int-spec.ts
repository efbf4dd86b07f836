import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { MIGRATIONS, createDataSource } from '@app/database';

/** The migrations on an empty database of their own, so that reverting them disturbs no other spec. */
describe('the migrations (real PostgreSQL, an empty database)', () => {
  const config = loadConfig();
  const name = `migrations_check_${process.pid}`;
  const admin = createDataSource(config);
  let db: DataSource;

  const tables = async (): Promise<string[]> =>
    (
      (await db.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      )) as { table_name: string }[]
    ).map((r) => r.table_name);

  beforeAll(async () => {
    await admin.initialize();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(config.DATABASE_URL);
    url.pathname = `/${name}`;
    db = await createDataSource({ ...config, DATABASE_URL: url.toString() }).initialize();
  });

  afterAll(async () => {
    await db?.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.destroy();
  });

  it('when run from empty, then every one applies by its name; reverted one by one, nothing is left', async () => {
    const applied = await db.runMigrations();
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((M) => new M().name));
    expect(await tables()).toEqual(
      expect.arrayContaining(['activities', 'orders', 'payments', 'blacklist', 'migrations']),
    );

    for (let i = 0; i < MIGRATIONS.length; i++) await db.undoLastMigration();
    expect(await tables()).toEqual(['migrations']);
    await expect(db.query('SELECT count(*)::int AS n FROM migrations')).resolves.toEqual([{ n: 0 }]);

    // And up again: each `down` left exactly what its `up` found.
    await expect(db.runMigrations()).resolves.toHaveLength(MIGRATIONS.length);
  });
});
