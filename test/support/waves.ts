import { purchase } from './api';
import { range } from './clients';
import { Tally, statusKey } from './statuses';

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
  for (const r of replies) statuses[statusKey(r)] = (statuses[statusKey(r)] ?? 0) + 1;
  const accepted = replies.filter((r) => r.status === 202).map((r) => r.body.orderId!);
  return { accepted, statuses, ms: Date.now() - started, replies };
}
