/**
 * Stable names of the brief's seven invariants (§7). Tests, load tests and CI logs match on them,
 * so they change only if the brief renumbers its invariants.
 */
export const INVARIANT = {
  noOversell: '1 no oversell',
  conservation: '2 conservation',
  oneLiveOrderPerUser: '3 one live order per user',
  noLostOrder: '4 no lost or phantom order',
  payXorCancel: '5 pay xor cancel, release exactly once',
  noOverdueOrder: '6 no overdue pending order',
  money: '7 money: captured payments kept or refunded once',
} as const;
export type InvariantName = (typeof INVARIANT)[keyof typeof INVARIANT];

export interface Check {
  name: InvariantName;
  ok: boolean;
  detail: string;
}

/** A few offending ids make a breach actionable without flooding the terminal of a 100k-order run. */
export function examples(ids: string[], max = 3): string {
  if (ids.length === 0) return '';
  return ` (e.g. ${ids.slice(0, max).join(', ')}${ids.length > max ? ', …' : ''})`;
}
