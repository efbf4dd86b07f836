// Applies pending migrations (`npm run db:migrate`); also run by `npm test`, `stack:up` and compose (whose
// setup passes `--wait`: PostgreSQL may report healthy a moment before it takes this connection).
import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { createDataSource } from '@app/database';
import { firstConnection, waitSeconds } from './first-connection';

async function main(argv: string[]): Promise<void> {
  const waitMs = waitSeconds(argv) * 1_000;
  const config = loadConfig();
  const dataSource = await firstConnection(
    'PostgreSQL',
    () => createDataSource(config).initialize(),
    waitMs,
    {
      log: (line) => console.error(`migrate: ${line}`),
    },
  );
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const names = applied.map((m) => m.name);
    console.log(JSON.stringify({ msg: 'migrations applied', count: names.length, names }));
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(`migrate: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
