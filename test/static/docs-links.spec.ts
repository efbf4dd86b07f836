import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The docs point at code by relative links; a rename must not leave them dangling.
const root = join(__dirname, '../..');
const documents = [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(root, 'docs', name)),
];

interface Link {
  document: string;
  target: string;
}

/** Inline `[text](target "title")` and reference `[id]: target` links, outside fenced code blocks. */
function linksOf(document: string): Link[] {
  const text = readFileSync(document, 'utf8').replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '');
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const references = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]);
  return [...inline, ...references].map((target) => ({ document, target }));
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target); // http:, https:, mailto:
const links = documents.flatMap(linksOf).filter((l) => !isExternal(l.target));
const fileLinks = links.filter((l) => !l.target.startsWith('#'));
const where = (l: Link) => `${relative(root, l.document)} → ${l.target}`;

/** GitHub's heading anchors: lower case, punctuation dropped, each space a hyphen. */
function anchorsOf(markdown: string): Set<string> {
  const headings = [...markdown.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((m) => m[1]);
  return new Set(
    headings.map((h) =>
      h
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

describe('links in README.md and docs/', () => {
  it('when the documents are read, then they do link to code', () => {
    expect(fileLinks.length).toBeGreaterThan(50);
  });

  it('when a link names a file or folder, then it exists', () => {
    const missing = fileLinks
      .filter((l) => {
        const path = resolve(dirname(l.document), decodeURIComponent(l.target.split('#')[0]));
        return !existsSync(path) || !(statSync(path).isFile() || statSync(path).isDirectory());
      })
      .map(where);
    expect(missing).toEqual([]);
  });

  it('when a link names a heading of a Markdown document, then the heading exists', () => {
    const broken = links
      .filter((l) => l.target.includes('#'))
      .filter((l) => {
        const [file, anchor] = l.target.split('#');
        const target = file === '' ? l.document : resolve(dirname(l.document), decodeURIComponent(file));
        if (!target.endsWith('.md') || /^L\d+/.test(anchor) || !existsSync(target)) return false;
        return !anchorsOf(readFileSync(target, 'utf8')).has(decodeURIComponent(anchor).toLowerCase());
      })
      .map(where);
    expect(broken).toEqual([]);
  });
});
