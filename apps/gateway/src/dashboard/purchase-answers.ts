import { Counter } from 'prom-client';
import { metricsRegistry } from '@app/observability';

type Sample = { labels: Record<string, string | number>; value: number };

/**
 * Every purchase answer of this gateway by outcome, cumulative, from its two counters: the reservation's
 * outcomes (seckill_purchases_total: 202s, 503s and the refusals the Redis script decided) and the
 * refusals by reason (seckill_purchase_refusals_total), of which those decided before Redis — in memory
 * (the sold-out flag: most answers of a sale) or on the request — are counted nowhere else.
 */
export function answersByOutcome(purchases: Sample[], refusals: Sample[]): Record<string, number> {
  const answers: Record<string, number> = {};
  const add = (outcome: string, n: number) => (answers[outcome] = (answers[outcome] ?? 0) + n);
  for (const p of purchases) add(String(p.labels.outcome), p.value);
  for (const r of refusals) if (r.labels.decided_by !== 'redis') add(String(r.labels.reason), r.value);
  return answers;
}

export async function purchaseAnswers(): Promise<Record<string, number>> {
  const values = async (name: string) => {
    const metric = metricsRegistry.getSingleMetric(name) as Counter | undefined;
    return metric ? ((await metric.get()).values as Sample[]) : [];
  };
  return answersByOutcome(
    await values('seckill_purchases_total'),
    await values('seckill_purchase_refusals_total'),
  );
}
