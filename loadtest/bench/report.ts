import { readFileSync, writeFileSync } from 'node:fs';
import { BenchResults } from './results';

type Run = BenchResults['runs']['spike'] | BenchResults['runs']['bare'];
const n = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : Math.round(x).toLocaleString('en-US');
const mix = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([c, k]) => `${c} ${k}`)
    .join(', ');
const us = (x: number | null) => (x === null ? '—' : `${x} µs`);
const drainOf = (r: Run) => ('drain' in r && r.drain.drainS !== null ? `${r.drain.drainS} s` : '—');

/** The report as markdown: machine, generators, runs, targets, scale curve, expiry wave, micro-benchmarks. */
export function markdown(r: BenchResults, chartHref: string): string {
  const { machine: m, shape: s, runs } = r;
  const row = (label: string, d: Run) =>
    `| ${label} | ${n(d.requests)} | **${n(d.rps)}** | ${d.latencyMs.p50} | ${d.latencyMs.p95} | ${d.latencyMs.p99} | ${n(d.successes.perSecond)} | ${drainOf(d)} | ${mix(d.outcomes)} |`;
  const net = 'skipped' in runs.networked ? null : runs.networked;
  const w = r.expiryWave;
  const { kafkaProduce: k, pgInsert: p, reserve: q, reserveFsyncAlways: qa } = r.micro;
  const rb =
    'skipped' in q.redisBenchmark
      ? q.redisBenchmark.skipped
      : `${n(q.redisBenchmark.perSecond)} calls/s (redis-benchmark)`;
  return [
    `Measured ${r.generatedAt} on ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Linux ${m.kernel}; Node ${m.node}, ${m.loadGenerator},`,
    `Redis ${m.redis}, PostgreSQL ${m.postgres}, Kafka 3.9.1. One run; the load generator, the services and the infrastructure`,
    `share the machine (1-minute load average before the run: ${m.loadAverageBefore}).`,
    '',
    `Load generators, ${n(r.generators.requests)} distinct buyers against the bare server over ${r.generators.connections} connections:`,
    '',
    '| generator | req/s | its CPU, ms | CPU per request, ms |',
    '| --------- | ----: | ----------: | ------------------: |',
    ...r.generators.figures.map(
      (g) =>
        `| ${g.generator} | ${g.cpuPerRequestMs === null ? '—' : n(g.rps)} | ${n(g.cpuMs)} | ${g.cpuPerRequestMs ?? g.note ?? '—'} |`,
    ),
    '',
    `Load shape: ${n(s.buyers)} distinct buyers, ${s.connections} connections sending as fast as the target answers`,
    `(closed model), one purchase each; the steady rows are paced at ${s.steadyRate}/s and ${s.steady50Rate}/s (80 % and 50 % of the admissions' req/s, the median of ${s.admissionBurstsRps.length} bursts: ${s.admissionBurstsRps.join(', ')}/s).`,
    `Networked: Redis, PostgreSQL and Kafka of both designs behind toxiproxy, +${s.netLatencyMs} ms per round trip` +
      (net
        ? ` (measured through the proxies: Redis PING ${net.probeMs.redis} ms, PostgreSQL SELECT 1 ${net.probeMs.postgres} ms).`
        : '.'),
    '',
    '| run | requests | req/s | p50 ms | p95 ms | p99 ms | successes/s | drain | answers |',
    '| --- | -------: | ----: | -----: | -----: | -----: | ----------: | ----: | ------- |',
    row('bare node:http 200 (the ceiling)', runs.bare),
    row('refusals: activity sold out, every answer SOLD_OUT', runs.refusals),
    row(`spike: ${n(s.stock)} items (gateway → Redis → Kafka)`, runs.spike),
    row('admissions: stock for every buyer', runs.admissions),
    row(`steady: ${s.steadyRate}/s for ${s.steadyS} s, stock for all`, runs.steady),
    row(`steady50: ${s.steady50Rate}/s for ${s.steadyS} s, stock for all`, runs.steady50),
    row('naive: one PostgreSQL transaction per purchase', runs.naive),
    ...(net ? [row('spike, networked', net.spike), row('naive, networked', net.naive)] : []),
    '',
    "CPU per request (user + system time of the answering process over its run ÷ answers; the gateway's",
    "includes the relay's sends to Kafka until the last order row):",
    '',
    '| answering | CPU per request |',
    '| --------- | --------------: |',
    `| bare node:http 200 | ${us(r.cpuPerRequestUs.bare)} |`,
    `| the gateway, a refusal (sold out) | ${us(r.cpuPerRequestUs.refusal)} |`,
    `| the gateway, an admission | ${us(r.cpuPerRequestUs.admission)} |`,
    '',
    '| target | measured | met | why not |',
    '| ------ | -------- | :-: | ------- |',
    ...r.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? '✓' : '✗'} | ${t.reason ?? ''} |`),
    '',
    'Scale curve (the spike, stock 10 % of the buyers):',
    '',
    '| buyers | stock | req/s | p99 ms | Redis held by the activity | drain time |',
    '| -----: | ----: | ----: | -----: | -------------------------: | ---------: |',
    ...r.scale.map(
      (c) =>
        `| ${n(c.buyers)} | ${n(c.stock)} | ${n(c.rps)} | ${c.p99Ms} | ${(c.redisBytes / 2 ** 20).toFixed(2)} MiB | ${c.drainS ?? '—'} s |`,
    ),
    '',
    w
      ? `Expiry wave: ${n(w.shape.orders)} unpaid orders (pay timeout ${w.shape.payTimeoutSeconds} s, expiries spread over ${w.expiriesSpreadS} s): ` +
        `${n(w.released)} cancelled with their stock back, lateness after expires_at p50 ${w.latenessMs?.p50 ?? '—'} ms, p95 ${w.latenessMs?.p95 ?? '—'} ms, ` +
        `p99 ${w.latenessMs?.p99 ?? '—'} ms, max ${w.latenessMs?.max ?? '—'} ms; ${n(w.cancellationsPerSecond)} cancellations/s` +
        `${w.complete ? '' : ` (incomplete after ${w.shape.waitS} s)`}.`
      : 'Expiry wave: not run.',
    '',
    `![admissions vs orders written](${chartHref})`,
    '',
    '| micro-benchmark | one at a time | batched / native | ratio |',
    '| --------------- | ------------: | ---------------: | ----: |',
    `| Kafka produce, acks=all | ${n(k.oneByOne.perSecond)} msg/s | ${n(k.batched.perSecond)} msg/s (${k.batched.batchSize} per send) | ${k.ratio}× |`,
    `| PostgreSQL insert of order rows | ${n(p.perRow.perSecond)} rows/s | ${n(p.multiRow.perSecond)} rows/s (${p.multiRow.rowsPerStatement} per INSERT … unnest) | ${p.ratio}× |`,
    `| reserve.lua by EVALSHA | ${n(q.node.perSecond)} calls/s (Node ioredis, ${q.node.concurrency} in flight) | ${rb} | ${q.ratio ?? '—'} |`,
    'skipped' in qa
      ? `| reserve.lua, appendfsync always | ${qa.skipped} | | |`
      : `| reserve.lua by EVALSHA, appendfsync everysec vs always | ${n(q.node.perSecond)} calls/s (everysec) | ${n(qa.node.perSecond)} calls/s (always) | ${(qa.node.perSecond / q.node.perSecond).toFixed(2)} |`,
    '',
    ...kafkaClientsTable(r.micro.kafkaClients),
  ].join('\n');
}

/** The Kafka clients side by side (docs/architecture.md, the decision record of the client). */
function kafkaClientsTable(k: BenchResults['micro']['kafkaClients']): string[] {
  if (!k || 'skipped' in k) return [];
  const f = (x: { perSecond: number; cpuUsPerMessage: number }) =>
    `${n(x.perSecond)} msg/s, ${x.cpuUsPerMessage} µs`;
  return [
    "Kafka clients, acks=all, the same broker one after the other (msg/s, and the client process's CPU per message):",
    '',
    '| client | produce, 500 per send | produce, one per send | consume (a group, from the beginning) |',
    '| ------ | --------------------: | --------------------: | ------------------------------------: |',
    ...k.clients.map(
      (c) => `| ${c.client} | ${f(c.produceBatched)} | ${f(c.produceOneByOne)} | ${f(c.consume)} |`,
    ),
    '',
  ];
}

/**
 * Replaces what stands between `<!-- {section}:begin -->` and `<!-- {section}:end -->` in docs/benchmarks.md:
 * the example run (`npm run bench -- --update-docs`), or a part's own section (`--only payments`).
 */
export function updateDocs(path: string, example: string, section = 'bench'): void {
  const [begin, end] = [`<!-- ${section}:begin -->`, `<!-- ${section}:end -->`];
  const doc = readFileSync(path, 'utf8');
  const [before, rest] = doc.split(begin);
  const after = rest?.split(end)[1];
  if (after === undefined) throw new Error(`${path} lacks the ${begin} … ${end} markers`);
  writeFileSync(path, `${before}${begin}\n${example}${end}${after}`);
}
