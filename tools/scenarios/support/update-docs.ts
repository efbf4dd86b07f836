import { readFileSync, writeFileSync } from 'node:fs';
import { documentPath, fencedBlocks, sampleOf } from '../../../test/support/doc-blocks';

export const WALKTHROUGH = 'docs/walkthrough.md';

// UUIDs (order ids, consumer groups) cut short: the head, and the random tail that tells apart two ids of
// one millisecond (a UUIDv7 begins with its time).
const UUID = /\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}([0-9a-f]{8})\b/g;

/**
 * Rewrites the walkthrough's sample of each scenario in `outputs` (its narration, as printed) between its
 * fences: the samples are runs, not prose that drifts. Returns the scenarios whose sample it rewrote.
 */
export function updateSamples(outputs: ReadonlyMap<string, readonly string[]>): string[] {
  const path = documentPath(WALKTHROUGH);
  const lines = readFileSync(path, 'utf8').split('\n');
  const updated: string[] = [];
  // From the last block up, so that the line numbers of those above stay right.
  for (const block of fencedBlocks(WALKTHROUGH).reverse()) {
    const name = sampleOf(block);
    const output = name === undefined ? undefined : outputs.get(name);
    if (!name || !output) continue;
    const sample = output.map((line) => line.replace(UUID, '$1-…$2').trimEnd());
    lines.splice(block.line, block.body === '' ? 0 : block.body.split('\n').length, ...sample);
    updated.unshift(name);
  }
  writeFileSync(path, lines.join('\n'));
  return updated;
}
