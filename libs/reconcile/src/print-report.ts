import { InvariantReport } from './check-invariants';
import { Tally } from './figures';

const tally = (entries: Record<string, Tally>): string =>
  Object.entries(entries)
    .map(([key, t]) => `${key} ${t.count} (qty ${t.quantity})`)
    .join(', ');

/** Human-readable verdict: one line per invariant, then the figures, then one closing line to grep for. */
export function formatReport(report: InvariantReport, waitedMs?: number): string {
  const f = report.figures;
  const settled = waitedMs === undefined ? '' : ` after ${(waitedMs / 1000).toFixed(1)} s`;
  const failed = report.checks.filter((c) => !c.ok).length;
  return [
    `reconcile activity ${report.activityId} at ${report.checkedAt}: ${report.quiet ? 'quiet' : 'NOT quiet'}${settled}`,
    ...report.checks.map((c) => `  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`),
    `  stock ${f.initialStock}, remaining ${f.remaining ?? 'missing'}, sold ${f.sold}, per-user limit ${f.perUserLimit}`,
    `  orders: ${tally(f.orders)}`,
    `  reservations: ${tally(f.reservations)}`,
    `  accepted (202) and ended FAILED: ${f.failedAfterAcceptance}; Redis rebuilt from the ledger: ${f.rebuilds} times`,
    report.ok ? 'OK: invariants 1–7 hold' : `BREACH: ${failed} of ${report.checks.length} checks failed`,
  ].join('\n');
}
