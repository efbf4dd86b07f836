import { purchase } from './api';
import { range } from './clients';

/** How many replies of each kind, keyed `<status>[ <code>]` ('no answer' when the connection failed). */
export type Tally = Record<string, number>;

export const describeStatuses = (s: Tally) =>
  Object.entries(s)
    .map(([k, n]) => `${n}× ${k}`)
    .join(', ');

/**
 * Fires a wave of distinct buyers at once, spread over the gateways in turn; returns the order ids of
 * the 202s and the statuses seen.
 */
export async function wave(gateways: string | string[], activityId: number, prefix: string, size: number) {
  const urls = ([] as string[]).concat(gateways);
  const started = Date.now();
  const replies = await Promise.all(
    range(size).map((i) => purchase(urls[i % urls.length], activityId, `${prefix}-${i}`)),
  );
  const statuses: Tally = {};
  for (const r of replies) {
    const key = `${r.status}${r.body?.code ? ` ${r.body.code}` : ''}`;
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  const accepted = replies.filter((r) => r.status === 202).map((r) => r.body.orderId!);
  return { accepted, statuses, ms: Date.now() - started, replies };
}
