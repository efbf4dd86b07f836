/**
 * A reservation's life in Redis, which decides who gets a unit of stock (PostgreSQL, the ledger, has the
 * last word: see stock-rebuild.ts):
 *
 *   RESERVED ──(order-service takes it)──► TAKEN ──(order row committed)──► ORDERED ──(timeout)──► RELEASED
 *      │                                     │
 *      └──(reply lost: gateway abandons)─────┴──(order could not be written)──► UNDONE
 *                                            │
 *                                            └──(the ledger refused it: no stock left in PostgreSQL)──► FAILED
 *
 * Stock goes back exactly once, on the move to RELEASED or UNDONE, inside one Lua script. An attempt the
 * gateway abandons before its script ran leaves an UNDONE record of quantity 0 (a tombstone), so that
 * the script, should it still run, finds its order id taken and reserves nothing. FAILED gives
 * nothing back: the ledger refused because Redis counted stock it did not have, and the rebuild that
 * follows sets the remaining stock from PostgreSQL. A request whose reservation Redis lost (after a
 * rebuild) is recorded FAILED too, so that the buyer's `/result` says so.
 * The record is stored as `state|userId|quantity|reservedAt` (user ids cannot contain `|`).
 */
export const RESERVATION_STATES = {
  RESERVED: 'R',
  TAKEN: 'T',
  ORDERED: 'O',
  RELEASED: 'X',
  UNDONE: 'U',
  FAILED: 'F',
} as const;
export type ReservationState = (typeof RESERVATION_STATES)[keyof typeof RESERVATION_STATES];

export interface Reservation {
  orderId: string;
  state: ReservationState;
  userId: string;
  quantity: number;
  reservedAt: number;
}

export function parseReservation(orderId: string, record: string): Reservation {
  const [state, userId, quantity, reservedAt] = record.split('|');
  return {
    orderId,
    state: state as ReservationState,
    userId,
    quantity: Number(quantity),
    reservedAt: Number(reservedAt),
  };
}

const { RESERVED, TAKEN, ORDERED, RELEASED } = RESERVATION_STATES;

/** A buyer may hold one live reservation per activity: one that is, or will become, an order. */
export function isLive(state: ReservationState): boolean {
  return state === RESERVED || state === TAKEN || state === ORDERED;
}

/** Taken by the order-service (or already its order): the order row may be written. */
export function isTaken(state: string): boolean {
  return state === TAKEN || state === ORDERED;
}

/** What a buyer's `/result` says of the reservation: on its way, an order (paid or not, cancelled), or not. */
export function buyerOutcome(state: ReservationState | undefined): 'QUEUED' | 'CREATED' | 'FAILED' {
  if (state === RESERVED || state === TAKEN) return 'QUEUED';
  if (state === ORDERED || state === RELEASED) return 'CREATED';
  return 'FAILED';
}
