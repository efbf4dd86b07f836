import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's root, from which the static specs read. */
export const ROOT = join(__dirname, '..', '..');

/** The TypeScript sources below `dir`, specs left out, and the folders named in `skip` with them. */
export function sourceFiles(dir: string, skip: string[] = []): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return skip.includes(entry.name) ? [] : sourceFiles(path, skip);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}
