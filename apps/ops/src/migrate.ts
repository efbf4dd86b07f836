// Applies pending migrations (`npm run db:migrate`); also run by `npm test`, `stack:up` and compose.
import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { createDataSource } from '@app/database';

async function main(): Promise<void> {
  const dataSource = await createDataSource(loadConfig()).initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const names = applied.map((m) => m.name);
    console.log(JSON.stringify({ msg: 'migrations applied', count: names.length, names }));
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err) => {
  console.error(`migrate: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
