import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ROOT, sourceFiles } from './source-files';

/**
 * Each app's feature folders form layers, like the libs (lib-layers.spec.ts): a folder imports only the
 * folders listed before it, never one after it, so no two folders import each other. The files at the
 * app's root (main.ts, the root module) stand above every folder. The order, bottom first, is the one
 * docs/architecture.md gives ("The gateway's folders in layers"):
 * - gateway: `purchase-core` holds what the folders above share of a purchase's refusals (the signed
 *   papers' verdicts; the refusal values and their answers are libs/contracts') and imports no feature folder; `risk` holds the in-process checks and the blacklist (its
 *   admin controller too); `activities`; `defences` (purchase tokens, challenges); `waiting-room`;
 *   `seckill` (the purchase itself, which asks all of them); then what only watches or tidies.
 * - order-service: an order (and the payment its view shows) before what pays it, recovers it or takes it in.
 * - cancel-service: the cancellation before the two ways it is triggered.
 */
const LAYERS: Record<string, string[]> = {
  gateway: [
    'purchase-core',
    'risk',
    'activities',
    'defences',
    'waiting-room',
    'seckill',
    'retention',
    'dashboard',
  ],
  'order-service': ['orders', 'recovery', 'payments', 'order-requests'],
  'cancel-service': ['cancellation', 'sweeper', 'timeout'],
};

/**
 * Known upward imports, each to be gone by a named change. Listed so that the test still fails on any
 * new one; an entry that no longer occurs fails too, so that the list only shrinks.
 */
const PENDING: string[] = [];

/** Every relative import (type-only ones too: a reader follows them all), as a path under src/. */
function importsOf(file: string, src: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/from '(\.\.?\/[^']+)'/g)].map((m) =>
    relative(src, resolve(dirname(file), m[1]))
      .split(sep)
      .join('/'),
  );
}

/** The folder a path under src/ is in, or '' for the app's root files. */
const folderOf = (path: string) => (path.includes('/') ? path.split('/')[0] : '');

function upwardImports(app: string): string[] {
  const src = join(ROOT, 'apps', app, 'src');
  const order = LAYERS[app];
  const rank = (folder: string) => (folder === '' ? order.length : order.indexOf(folder));
  return sourceFiles(src).flatMap((file) => {
    const from = folderOf(relative(src, file).split(sep).join('/'));
    return importsOf(file, src)
      .filter((target) => {
        const to = folderOf(target);
        return to !== from && rank(to) >= rank(from);
      })
      .map((target) => `${relative(ROOT, file).split(sep).join('/')} imports ${target}`);
  });
}

describe('app folder layers', () => {
  it.each(Object.keys(LAYERS))('apps/%s: every feature folder has its place in the layers', (app) => {
    const folders = readdirSync(join(ROOT, 'apps', app, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual([...LAYERS[app]].sort());
  });

  it.each(Object.keys(LAYERS))('apps/%s: a folder imports only the folders below it', (app) => {
    const upward = upwardImports(app);
    expect(upward.filter((line) => !PENDING.includes(line))).toEqual([]);
  });

  it('lists only upward imports that still exist', () => {
    const upward = Object.keys(LAYERS).flatMap(upwardImports);
    expect(PENDING.filter((line) => !upward.includes(line))).toEqual([]);
  });
});
