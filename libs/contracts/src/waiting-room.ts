/**
 * The rules of an activity's waiting room (opt-in, set at creation, never changed): stored in PostgreSQL
 * (activities.waiting_room), copied into the activity's Redis meta and announced on the activity channel.
 */
export interface WaitingRoomRules {
  /** the room opens this long before the sale's start: who joins before the start is in the pre-queue */
  opensBeforeSeconds: number;
  /** buyers let through per second at most */
  admitPerSecond: number;
  /** buyers admitted and not yet done (bought, or their window lapsed) at most */
  maxAdmitted: number;
  /** how long an admitted buyer has to buy before the slot goes to the next in line */
  admissionWindowSeconds: number;
}

/** The Redis meta fields of the rules (absent: the activity has no room). */
export const WAITING_ROOM_FIELDS = [
  'roomOpensBeforeSeconds',
  'roomAdmitPerSecond',
  'roomMaxAdmitted',
  'roomWindowSeconds',
] as const;

export function waitingRoomMeta(r: WaitingRoomRules): Record<(typeof WAITING_ROOM_FIELDS)[number], number> {
  return {
    roomOpensBeforeSeconds: r.opensBeforeSeconds,
    roomAdmitPerSecond: r.admitPerSecond,
    roomMaxAdmitted: r.maxAdmitted,
    roomWindowSeconds: r.admissionWindowSeconds,
  };
}

/** The rules back from those meta fields (HMGET order), or undefined when the activity has none. */
export function parseWaitingRoomMeta(values: unknown[]): WaitingRoomRules | undefined {
  const numbers = values.map((v) =>
    typeof v === 'number' || (typeof v === 'string' && v !== '') ? Number(v) : NaN,
  );
  if (numbers.length !== 4 || numbers.some((n) => !(n >= 0) || !Number.isFinite(n))) return undefined;
  const [opensBeforeSeconds, admitPerSecond, maxAdmitted, admissionWindowSeconds] = numbers;
  return { opensBeforeSeconds, admitPerSecond, maxAdmitted, admissionWindowSeconds };
}

/** A room announced on the activity channel, checked field by field (a message is input like any other). */
export function parseWaitingRoomRules(value: unknown): WaitingRoomRules | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const r = value as Record<string, unknown>;
  return parseWaitingRoomMeta([
    r.opensBeforeSeconds,
    r.admitPerSecond,
    r.maxAdmitted,
    r.admissionWindowSeconds,
  ]);
}
