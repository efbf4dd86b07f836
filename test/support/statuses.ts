/** How many replies of each kind, keyed `<status>[ <code>]` ('no answer' when the connection failed). */
export type Tally = Record<string, number>;

/** The key of one reply in a Tally: `202`, `409 SOLD_OUT`, `503 UNAVAILABLE`… */
export const statusKey = (reply: { status: number; body?: { code?: string } } | undefined): string =>
  reply ? `${reply.status}${reply.body?.code ? ` ${reply.body.code}` : ''}` : 'no answer';

export const describeStatuses = (s: Tally) =>
  Object.entries(s)
    .map(([k, n]) => `${n}× ${k}`)
    .join(', ');
