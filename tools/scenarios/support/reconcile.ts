import { settleAndCheck } from '@app/reconcile';
import { ScenarioContext } from '../scenario';

/**
 * The closing check of a scenario: the brief's invariants 1–6 (what `npm run reconcile` checks), judged
 * once the activity is quiet — conservation only holds when nothing is in flight any more.
 */
export async function reconcile({ redis, db, out }: ScenarioContext, activityId: number): Promise<void> {
  const { report } = await settleAndCheck({ redis, db, activityId }, { settleMs: 30_000 });
  const f = report.figures;
  out.check(
    report.ok,
    `reconcile activity ${activityId}: invariants 1–6 hold ` +
      `(stock ${f.initialStock} = remaining ${f.remaining ?? 'missing'} + sold ${f.sold})`,
  );
  for (const c of report.checks.filter((c) => !c.ok)) out.say(`    ${c.name}: ${c.detail}`);
}
