import { InvariantReport } from '@app/reconcile';
import { CrowdResult } from './crowd';

export interface SaleFigures {
  activityId: number;
  stock: number;
  buyers: number;
  crowd: CrowdResult;
  /** the order rows: how many, written by how many INSERT statements, over how long */
  writes: { orders: number; statements: number; spread_ms: number | null };
  report: InvariantReport;
}

const mark = (ok: boolean) => (ok ? '✓' : '✗');
const perSecond = (n: number, ms: number) => Math.round((n * 1000) / Math.max(ms, 1));

/** Prints the demo's closing summary; returns true when every check holds. */
export function printSummary(f: SaleFigures): boolean {
  const { crowd, writes, report } = f;
  const remaining = report.figures.remaining ?? 0;
  const cancelled = report.figures.orders.CANCELLED?.count ?? 0;
  const paid = report.figures.orders.PAID?.count ?? 0;
  const demoChecks = [
    { ok: crowd.winners === f.stock, line: `every item sold in the burst (${crowd.winners} of ${f.stock})` },
    {
      ok: crowd.paidOnTimeRefused === 0,
      line: `every on-time payment paid its order, by the provider's callback (${crowd.paidOnTime})`,
    },
    {
      ok: crowd.payLateRefunded === crowd.payLateAttempts,
      line: `every payment after the cancellation refunded exactly once (${crowd.payLateRefunded} of ${crowd.payLateAttempts}, per the provider's statement)`,
    },
    {
      ok: remaining === cancelled && paid + cancelled === crowd.winners,
      line: `stock of every cancelled order released once (${cancelled} back, remaining ${remaining})`,
    },
  ];

  console.log(`\nSummary — activity #${f.activityId}: ${f.stock} items, ${f.buyers} buyers`);
  console.log(
    `  requests          ${f.buyers} answered in ${(crowd.burstMs / 1000).toFixed(2)} s (${perSecond(f.buyers, crowd.burstMs)}/s)`,
  );
  for (const [outcome, n] of Object.entries(crowd.outcomes).sort((a, b) => b[1] - a[1])) {
    console.log(`    ${outcome.padEnd(22)} ${n}`);
  }
  console.log(
    `  orders written    ${writes.orders} by ${writes.statements} INSERT statement(s) within ${Math.round(writes.spread_ms ?? 0)} ms; all persisted ${(crowd.persistedMs / 1000).toFixed(2)} s after the burst began`,
  );
  console.log(
    `  削峰 peak shaving  the gateway answered ${perSecond(f.buyers, crowd.burstMs)} requests/s; the database saw ${writes.statements} INSERT statement(s) for ${writes.orders} orders, not ${f.buyers} transactions`,
  );
  console.log(
    `  paid              ${paid} through the payment provider (${crowd.payLateAttempts} more paid too late: ${crowd.payLateRefunded} refunded)`,
  );
  console.log(
    `  cancelled         ${cancelled} by timeout (${crowd.neverPaid} never paid + ${crowd.payLateAttempts} paid too late)`,
  );
  console.log(`  stock released    ${cancelled} → remaining ${remaining}`);
  console.log('  checks');
  for (const c of demoChecks) console.log(`    ${mark(c.ok)} ${c.line}`);
  for (const c of report.checks) console.log(`    ${mark(c.ok)} invariant ${c.name}: ${c.detail}`);
  const ok = report.ok && demoChecks.every((c) => c.ok);
  console.log(ok ? '\n✓ every invariant holds' : '\n✗ a check failed');
  return ok;
}
