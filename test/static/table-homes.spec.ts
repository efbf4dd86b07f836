import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, sourceFiles } from './source-files';

// Every table has one home, libs/database/src/tables/<table>.table.ts: the only file of the services and
// libs whose SQL reads or writes it, so its columns are named once (the column list and its row mapper) and
// every guard on it (conditional UPDATE, FOR UPDATE, ON CONFLICT) is read in one place. A statement that
// joins two tables lives in the home of the table it is about (e.g. payments joined to their orders).
// The specs, the load tests, the demo and the scenario tools keep SQL of their own: they set up, measure or
// check the ledger independently of the services.
const HOMES: Record<string, string> = {
  activities: 'activities.table.ts',
  orders: 'orders.table.ts',
  payments: 'payments.table.ts',
  payment_events: 'payments.table.ts',
  abandoned_attempts: 'abandoned-attempts.table.ts',
  redis_servers: 'redis-servers.table.ts',
  blacklist: 'blacklist.table.ts',
  blacklist_version: 'blacklist.table.ts',
};

const TABLES_DIR = 'libs/database/src/tables';

const files = ['apps', 'libs']
  .flatMap((dir) => sourceFiles(join(ROOT, dir), ['migrations']))
  .map((f) => relative(ROOT, f));

describe('table homes', () => {
  it.each(Object.keys(HOMES))('SQL on %s lives only in its table module', (table) => {
    const statement = new RegExp(`\\b(FROM|JOIN|INTO|UPDATE)\\s+${table}\\b`);
    const written = new RegExp(`\\b(FROM|INTO|UPDATE)\\s+${table}\\b`);
    const home = `${TABLES_DIR}/${HOMES[table]}`;
    const elsewhere = files.filter((f) => {
      if (f === home) return false;
      const text = readFileSync(join(ROOT, f), 'utf8');
      // Another table's module may join this table; only its own module reads or writes it.
      return f.startsWith(`${TABLES_DIR}/`) ? written.test(text) : statement.test(text);
    });
    expect(elsewhere).toEqual([]);
  });

  it('names each table module after a table it holds', () => {
    const modules = readdirSync(join(ROOT, TABLES_DIR)).filter((f) => f.endsWith('.table.ts'));
    expect(modules.sort()).toEqual([...new Set(Object.values(HOMES))].sort());
  });
});
