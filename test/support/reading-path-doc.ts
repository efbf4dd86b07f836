import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';

const root = join(__dirname, '../..').replace(/\/dist$/, '');

/**
 * The files docs/architecture.md's "How to read this code" names along its numbered list (the path itself;
 * the paragraphs around it left out), in the order named, relative to the checkout.
 */
export function readingPathOfDoc(): string[] {
  const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
  const start = doc.indexOf('## How to read this code');
  const section = doc.slice(start, doc.indexOf('\n## ', start + 1));
  const items: string[] = [];
  let inItem = false;
  for (const line of section.split('\n')) {
    if (/^\d+\. /.test(line)) inItem = true;
    else if (!/^\s+\S/.test(line)) inItem = false;
    if (inItem) items.push(line);
  }
  return [...items.join('\n').matchAll(/\]\(\.\.\/((?:apps|libs)\/[^)#\s]+\.(?:ts|lua))\)/g)].map((m) =>
    normalize(m[1]),
  );
}
