/**
 * A partition's backlog, offsets `from` (the group's next) to `to` (the high watermark), cut at `split`
 * (the first offset produced at a given time or later). The offsets come from separate requests, so
 * `split` may lie outside the backlog: it is clamped into it, and no part is ever negative.
 */
export function backlogSplit({ from, to, split }: { from: number; to: number; split: number }): {
  before: number;
  since: number;
} {
  const end = Math.max(from, to);
  const cut = Math.min(Math.max(split, from), end);
  return { before: cut - from, since: end - cut };
}
