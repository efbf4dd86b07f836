import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, sourceFiles } from './source-files';

// The libs form layers: a lib may import only the libs below it. `common` (errors, validation, periodic
// tasks) and `contracts` stand on nothing; `http` wires a service (its root module) and only apps import it.
const ALLOWED: Record<string, string[]> = {
  common: [],
  config: [],
  contracts: [],
  observability: ['config'],
  redis: ['config', 'observability'],
  database: ['config', 'contracts', 'observability'],
  kafka: ['config', 'contracts', 'observability'],
  stock: ['contracts', 'database', 'redis'],
  auth: ['common', 'config', 'contracts'],
  http: ['common', 'config', 'observability'],
  // config and contracts: the payment provider's statement (invariant 7), read where it is judged.
  reconcile: ['config', 'contracts', 'database', 'redis', 'stock'],
};

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/from '@app\/([a-z-]+)/g)].map((m) => m[1]);

describe('library layers', () => {
  it('lists every lib', () => {
    const libs = readdirSync(join(ROOT, 'libs')).sort();
    expect(libs).toEqual(Object.keys(ALLOWED).sort());
  });

  it.each(Object.keys(ALLOWED))('libs/%s imports only the libs below it', (lib) => {
    const wrong = sourceFiles(join(ROOT, 'libs', lib, 'src')).flatMap((file) =>
      importsOf(file)
        .filter((dep) => dep !== lib && !ALLOWED[lib].includes(dep))
        .map((dep) => `${relative(ROOT, file)} imports @app/${dep}`),
    );
    expect(wrong).toEqual([]);
  });
});
