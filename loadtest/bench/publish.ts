import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peakShavingSvg } from './chart';
import { RESULTS, ROOT } from './paths';
import { markdown, updateDocs } from './report';
import { BenchResults } from './results';
import { SaleRun } from './sale';

/** latest.json, latest.md and the chart under bench-results/; with `updateDocs`, docs/benchmarks.md too. */
export function publish(results: BenchResults, spike: SaleRun, docs: boolean): void {
  const title = `Peak shaving: ${spike.digest.successes.count} admissions vs orders written`;
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(
    join(RESULTS, 'latest-peak-shaving.svg'),
    peakShavingSvg(spike.digest.admissions, spike.drain.curve, title),
  );
  const md = markdown(results, 'latest-peak-shaving.svg');
  writeFileSync(join(RESULTS, 'latest.md'), md);
  console.log(`\n${md}\nbench: wrote bench-results/latest.json, latest.md, latest-peak-shaving.svg`);
  if (!docs) return;
  copyFileSync(join(RESULTS, 'latest-peak-shaving.svg'), join(ROOT, 'docs/benchmarks-peak-shaving.svg'));
  updateDocs(join(ROOT, 'docs/benchmarks.md'), markdown(results, 'benchmarks-peak-shaving.svg'));
  formatBenchmarksDoc();
  console.log('bench: updated docs/benchmarks.md and docs/benchmarks-peak-shaving.svg');
}

/** Aligns the generated tables of docs/benchmarks.md as the rest of the repository is formatted. */
export function formatBenchmarksDoc(): void {
  spawnSync(
    process.execPath,
    [require.resolve('prettier/bin/prettier.cjs'), '--write', 'docs/benchmarks.md'],
    { cwd: ROOT },
  );
}
