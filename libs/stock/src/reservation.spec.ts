import {
  RESERVATION_STATES,
  ReservationState,
  buyerOutcome,
  isLive,
  isTaken,
  parseReservation,
} from './reservation';

const ALL = Object.values(RESERVATION_STATES);
const where = (test: (s: ReservationState) => boolean) => ALL.filter(test).sort().join('');

describe('reservation states', () => {
  it('parses the stored record', () => {
    expect(parseReservation('o1', 'T|u1|2|1700000000000')).toEqual({
      orderId: 'o1',
      state: 'T',
      userId: 'u1',
      quantity: 2,
      reservedAt: 1_700_000_000_000,
    });
  });

  it('names which states are live, taken, and what the buyer is told of each', () => {
    expect(where(isLive)).toBe('ORT');
    expect(where(isTaken)).toBe('OT');
    expect(isTaken('')).toBe(false);
    expect(where((s) => buyerOutcome(s) === 'QUEUED')).toBe('RT');
    expect(where((s) => buyerOutcome(s) === 'CREATED')).toBe('OX');
    expect(where((s) => buyerOutcome(s) === 'FAILED')).toBe('FU');
    expect(buyerOutcome(undefined)).toBe('FAILED');
  });
});
