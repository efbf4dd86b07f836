import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The fenced blocks of the docs: command blocks as a reader runs them (commands, each with the answer its
// comment claims), and sample outputs with the run they come from.
// The checkout, from test/support under ts-jest as from dist/test/support when the tools run compiled.
const root = join(__dirname, '../..').replace(/\/dist$/, '');

/** Put on the line before a fence: the block is an illustration, not something a test runs or compares. */
export const ILLUSTRATIVE = '<!-- illustrative -->';

/**
 * The scenario whose run a block is a sample of, if marked as one by `<!-- scenario:<name> -->` before its
 * fence: `npm run scenario -- <name> --update-docs` rewrites it from a run.
 */
export const sampleOf = (block: FencedBlock): string | undefined =>
  /^<!-- scenario:([\w-]+) -->$/.exec(block.before.trim())?.[1];

export interface FencedBlock {
  document: string;
  /** the fence's info string: `bash`, `mermaid`, empty for a sample output */
  language: string;
  /** 1-based line of the opening fence */
  line: number;
  /** the heading the block sits under */
  section: string;
  /** the last line before the fence that is not blank (a marker, if any) */
  before: string;
  body: string;
}

export interface Step {
  /** as written, continuation lines joined, the comment left out */
  command: string;
  /** the answer its comment claims (`# → 202 {…}`, `# invariants 1–6 ✓`), if any */
  claim?: string;
  line: number;
}

/** A document's path, from its name relative to the checkout (`docs/walkthrough.md`). */
export const documentPath = (document: string): string => join(root, document);

/** Every fenced block of a document (relative to the checkout), in order. */
export function fencedBlocks(document: string): FencedBlock[] {
  const lines = readFileSync(documentPath(document), 'utf8').split('\n');
  const blocks: FencedBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{1,6}\s+(.*)$/.exec(lines[i]);
    if (heading) section = heading[1];
    const fence = /^(`{3,})\s*(\S*)/.exec(lines[i]);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith(fence[1]) && l.trim() === fence[1]);
    if (end < 0) throw new Error(`${document}:${i + 1}: a fence that never closes`);
    const body = lines.slice(i + 1, end).join('\n');
    const before =
      lines
        .slice(0, i)
        .reverse()
        .find((l) => l.trim() !== '') ?? '';
    blocks.push({ document, language: fence[2], line: i + 1, section, before, body });
    i = end;
  }
  return blocks;
}

/** A shell comment starts at a `#` after a blank, outside quotes. Returns [code, comment]. */
function splitComment(line: string): [string, string | undefined] {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return [line.slice(0, i).trimEnd(), line.slice(i + 1).trim()];
    }
  }
  return [line.trimEnd(), undefined];
}

/** What an answer-claiming comment says: an arrow, or a check mark. Other comments describe. */
const CLAIM = /→|✓/;

/**
 * The steps of a shell block: one per command (a `\` at the end of a line continues it); a comment on the
 * command's line, or on comment-only lines right after it, that claims an answer is that command's claim.
 */
export function stepsOf(block: FencedBlock): Step[] {
  const steps: Step[] = [];
  let pending: Step | undefined;
  block.body.split('\n').forEach((raw, index) => {
    const line = block.line + 1 + index;
    const [code, comment] = splitComment(raw);
    const claim = comment && CLAIM.test(comment) ? comment.replace(/^→\s*/, '') : undefined;
    if (pending) {
      pending.command += `\n${code}`;
    } else if (code.trim() === '') {
      const last = steps[steps.length - 1];
      if (claim && last) last.claim = last.claim ? `${last.claim} ${claim}` : claim;
      return;
    } else {
      pending = { command: code, line };
    }
    if (pending.command.endsWith('\\')) {
      if (claim) throw new Error(`${block.document}:${line}: a claim in the middle of a command`);
      return;
    }
    if (claim) pending.claim = claim;
    steps.push(pending);
    pending = undefined;
  });
  if (pending) throw new Error(`${block.document}:${block.line}: the block ends inside a command`);
  return steps;
}

/** The shell blocks of a document that claim an answer somewhere, unless marked illustrative. */
export function claimingBlocks(document: string): FencedBlock[] {
  return fencedBlocks(document).filter(
    (b) =>
      /^(bash|sh|shell)$/.test(b.language) &&
      b.before.trim() !== ILLUSTRATIVE &&
      stepsOf(b).some((s) => s.claim !== undefined),
  );
}
