import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT, sourceFiles } from './source-files';

// Where each kind of code lives (docs/architecture.md, decision 13), checked so that it stays that way.
const root = join(__dirname, '../..');
const filesUnder = (dir: string) =>
  readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f));
const imports = (file: string) =>
  [...readFileSync(join(root, file), 'utf8').matchAll(/(?:from|import|require\()\s*'([^']+)'/g)].map(
    (m) => m[1],
  );

describe('layout', () => {
  it('when the image is built, then nothing in apps/ or libs/ reaches into the tools, load tests or specs', () => {
    const sources = [...filesUnder('apps'), ...filesUnder('libs')].filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'),
    );
    const outside = sources.flatMap((file) =>
      imports(file)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => relative(root, resolve(join(root, dirname(file)), spec)))
        .filter((target) => !/^(apps|libs)\//.test(target))
        .map((target) => `${file} → ${target}`),
    );
    expect(outside).toEqual([]);
    const image = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8'));
    expect(image.include).toEqual(['apps/**/*.ts', 'libs/**/*.ts']);
  });

  it('when scripts/ is listed, then it holds the shell only (and the infrastructure it starts)', () => {
    const others = filesUnder('scripts').filter(
      (f) => /\.\w+$/.test(f) && !f.endsWith('.sh') && !/^scripts\/infra\/(kafka\/|kafka-ready\.js$)/.test(f),
    );
    expect(others).toEqual([]);
  });

  it('when a shell script needs a helper, then it sources scripts/lib.sh rather than defining its own', () => {
    const shared = /^(say|die|port_open|pid_alive|is_root|wait_until|stop_pid|ensure_node_modules)\(\)/m;
    const scripts = filesUnder('scripts').filter((f) => f.endsWith('.sh') && f !== 'scripts/lib.sh');
    expect(scripts.filter((f) => shared.test(readFileSync(join(root, f), 'utf8')))).toEqual([]);
    const long = scripts.filter((f) => readFileSync(join(root, f), 'utf8').split('\n').length > 200);
    expect(long).toEqual([]);
  });

  it('when a service or a library is read, then no file of its code runs past 200 lines', () => {
    const code = ['apps', 'libs'].flatMap((dir) => sourceFiles(join(ROOT, dir), ['migrations']));
    const long = code.filter((f) => readFileSync(f, 'utf8').trimEnd().split('\n').length > 200);
    expect(long.map((f) => relative(ROOT, f))).toEqual([]);
  });
});
