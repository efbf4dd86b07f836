import { readFileSync, writeFileSync } from 'node:fs';
import { Latency } from './k6';
import { BenchResults, PathRun } from './results';

const lat = (l: Latency | undefined) =>
  l ? [l.p50, l.p95, l.p99].map((v) => v.toFixed(1)) : ['—', '—', '—'];
const mix = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
const n = (x: number | undefined) => (x === undefined ? '—' : Math.round(x).toLocaleString('en-US'));

/** The report as markdown: what ran, the figures, the targets, the micro-benchmarks and the chart. */
export function markdown(r: BenchResults, chartHref: string): string {
  const { machine: m, shape: s, runs } = r;
  const row = (run: PathRun) => {
    const d = run.digest;
    const [p50, p95, p99] = lat(d.latencyMs.purchase);
    return `| ${run.label} | ${n(d.purchases)} | **${n(d.rps)}** | ${p50} | ${p95} | ${p99} | ${n(d.successes.perSecond)} | ${mix(d.outcomes)} | ${run.oversold} |`;
  };
  const steadyAdmitted = lat(runs.steady.digest.latencyMs.admitted);
  const drain = r.drain;
  const { kafkaProduce: k, pgInsert: p, reserve: q } = r.micro;
  const rb =
    'skipped' in q.redisBenchmark
      ? q.redisBenchmark.skipped
      : `${n(q.redisBenchmark.perSecond)} calls/s (redis-benchmark, ${q.redisBenchmark.connections} connections)`;
  return [
    `Measured ${r.generatedAt} on ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Linux ${m.kernel}; Node ${m.node}, ${m.k6},`,
    `Redis ${m.redis}, PostgreSQL ${m.postgres}, Kafka 3.9.1. One run; k6, the services and the infrastructure share`,
    `the machine (1-minute load average before the run: ${m.loadAverageBefore}).`,
    '',
    `Load shape (the same for the three paths): ${n(s.buyers)} distinct buyers for ${n(s.stock)} items, ${s.vus} k6`,
    'connections sending as fast as the target answers (closed model), one purchase per buyer.',
    '',
    '| path | requests | req/s | p50 ms | p95 ms | p99 ms | successes/s | outcomes | oversold |',
    '| ---- | -------: | ----: | -----: | -----: | -----: | ----------: | -------- | -------: |',
    row(runs.bare),
    row(runs.purchase),
    row(runs.naive),
    row(runs.steady),
    '',
    `The last row is the steady phase: ${s.steadyRate} new buyers/s (80 % of the purchase path's peak admissions/s) for`,
    `${s.steadyS} s, enough stock for all; its admitted purchases: p50 ${steadyAdmitted[0]} ms, p95 ${steadyAdmitted[1]} ms, p99 ${steadyAdmitted[2]} ms.`,
    '',
    '| target | measured | met |',
    '| ------ | -------- | :-: |',
    ...r.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? '✓' : '✗'} |`),
    '',
    `Peak shaving: ${n(runs.purchase.digest.successes.count)} admissions within ${runs.purchase.digest.successes.lastS} s; ` +
      `${n(drain.persisted)} order rows written, the last ${drain.drainS === null ? '— never (timed out)' : `${drain.drainS} s`} after the last admission (drain time).`,
    '',
    `![admissions vs orders written](${chartHref})`,
    '',
    '| micro-benchmark | one at a time | batched / native | ratio |',
    '| --------------- | ------------: | ---------------: | ----: |',
    `| Kafka produce, idempotent, acks=all | ${n(k.oneByOne.perSecond)} msg/s (one per send) | ${n(k.batched.perSecond)} msg/s (${k.batched.batchSize} per send) | ${k.ratio}× |`,
    `| PostgreSQL insert of order rows | ${n(p.perRow.perSecond)} rows/s (one autocommitted INSERT each) | ${n(p.multiRow.perSecond)} rows/s (${p.multiRow.rowsPerStatement} per INSERT … unnest) | ${p.ratio}× |`,
    `| reserve.lua by EVALSHA | ${n(q.node.perSecond)} calls/s (Node ioredis, ${q.node.concurrency} in flight) | ${rb} | ${q.ratio ?? '—'} |`,
    '',
  ].join('\n');
}

const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

/** Replaces the example run between the markers of docs/benchmarks.md (`npm run bench -- --update-docs`). */
export function updateDocs(path: string, example: string): void {
  const doc = readFileSync(path, 'utf8');
  const [before, rest] = doc.split(BEGIN);
  const after = rest?.split(END)[1];
  if (after === undefined) throw new Error(`${path} lacks the ${BEGIN} … ${END} markers`);
  writeFileSync(path, `${before}${BEGIN}\n${example}${END}${after}`);
}
