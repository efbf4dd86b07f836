import { join } from 'node:path';

/** The checkout (this file runs from dist/loadtest/bench/). */
export const ROOT = join(__dirname, '../../..');
/** Everything a run writes (git-ignored). */
export const RESULTS = join(ROOT, 'bench-results');
