import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './paths';

export interface Verdict {
  ok: boolean;
  oversold: number;
}

/** The purchase path's verdict: `npm run reconcile -- <id>` (invariants 1–6), once the services are done. */
export function reconcile(activityId: number): Verdict {
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'dist/apps/ops/src/reconcile.js'), String(activityId), '--json', '--settle', '90'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`reconcile ${activityId} could not run: ${run.stderr}`);
  const report = JSON.parse(run.stdout) as { ok: boolean; figures: { sold: number; initialStock: number } };
  if (!report.ok) console.error(`bench: reconcile found a breach for activity ${activityId}:\n${run.stdout}`);
  return { ok: report.ok, oversold: Math.max(0, report.figures.sold - report.figures.initialStock) };
}

/** The naive baseline's own count, read from its server before it drops its tables. */
export function naiveOversold(activity: { initialStock: number; sold: number; stock: number }): number {
  return Math.max(0, activity.sold - activity.initialStock, -activity.stock);
}
