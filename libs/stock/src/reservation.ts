/**
 * A reservation's life in Redis, the single arbiter of who owns a unit of stock:
 *
 *   RESERVED ──(order-service takes it)──► TAKEN ──(order row committed)──► ORDERED ──(timeout)──► RELEASED
 *      │                                     │
 *      └──(reply lost: gateway abandons)─────┴──(order could not be written)──► UNDONE
 *
 * Stock goes back exactly once, on the move to RELEASED or UNDONE, inside one Lua script. An attempt the
 * gateway abandons before its script ran leaves an UNDONE record of quantity 0 (a tombstone), so that
 * the script, should it still run, finds its order id taken and reserves nothing.
 * The record is stored as `state|userId|quantity|reservedAt` (user ids cannot contain `|`).
 */
export const RESERVATION_STATES = {
  RESERVED: 'R',
  TAKEN: 'T',
  ORDERED: 'O',
  RELEASED: 'X',
  UNDONE: 'U',
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

export function formatReservation(r: Omit<Reservation, 'orderId'>): string {
  return `${r.state}|${r.userId}|${r.quantity}|${r.reservedAt}`;
}

/** A buyer may hold one live reservation per activity: one that is, or will become, an order. */
export function isLive(state: ReservationState): boolean {
  return state === 'R' || state === 'T' || state === 'O';
}
