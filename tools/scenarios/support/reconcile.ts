import { loadConfig } from '@app/config';
import { providerStatement, settleAndCheck } from '@app/reconcile';
import { ScenarioContext } from '../scenario';

/**
 * The closing check of a scenario: the brief's invariants 1–7 (what `npm run reconcile` checks), judged
 * once the activity is quiet — conservation only holds when nothing is in flight any more.
 */
export async function reconcile({ redis, db, out }: ScenarioContext, activityId: number): Promise<void> {
  const statement = providerStatement(loadConfig());
  const { report } = await settleAndCheck({ redis, db, activityId, statement }, { settleMs: 30_000 });
  const f = report.figures;
  out.check(
    report.ok,
    `reconcile activity ${activityId}: invariants 1–7 hold ` +
      `(stock ${f.initialStock} = remaining ${f.remaining ?? 'missing'} + sold ${f.sold})`,
  );
  for (const c of report.checks.filter((c) => !c.ok)) out.say(`    ${c.name}: ${c.detail}`);
}
