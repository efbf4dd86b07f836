import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
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

describe('the Lua side of the reservation', () => {
  const scripts = readdirSync(__dirname).filter((f) => f.endsWith('.lua'));

  it.each(scripts)('%s names states and reads records through the shared codec only', (file) => {
    const body = readFileSync(join(__dirname, file), 'utf8')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('--'))
      .join('\n');
    expect(body.match(/'[RTOUXF]'|'[RTOUXF]\|'|\(%a\)\|/g)).toBeNull();
  });
});
