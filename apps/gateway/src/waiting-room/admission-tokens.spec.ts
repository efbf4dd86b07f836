import { loadConfig } from '@app/config';
import { ActivityWindow } from '../risk/activity-windows';
import { RiskChecks } from '../risk/risk-checks';
import { AdmissionTokens } from './admission-tokens';
import { RoomTickets } from './room-tickets';
import { Rooms } from './rooms';

const rules = { opensBeforeSeconds: 0, admitPerSecond: 1, maxAdmitted: 1, admissionWindowSeconds: 60 };
const NOW = Date.now();

function tokensFor(window: ActivityWindow) {
  const tickets = new RoomTickets(loadConfig());
  const risk = { window: jest.fn(() => window) } as unknown as RiskChecks;
  const read = jest.spyOn(tickets, 'readAdmission');
  return { check: new AdmissionTokens(risk, tickets, {} as Rooms), tickets, read };
}
const purchase = (activityId: number, buyerId: string, admissionToken?: string) => ({
  activityId,
  buyerId,
  admissionToken,
  idempotencyKey: undefined,
  ip: () => '127.0.0.1',
});

describe('the admission token at the purchase', () => {
  it('when the activity has no room, then nothing is read or verified: no token is asked', () => {
    const { check, read } = tokensFor({ startsAt: 0, endsAt: NOW + 60_000 });
    expect(check.check(purchase(1, 'alice'), NOW)).toBeUndefined();
    expect(read).not.toHaveBeenCalled();
  });

  it('when the activity has a room, then a token of this buyer for this activity lets the purchase through once', () => {
    const { check, tickets } = tokensFor({ startsAt: 0, endsAt: NOW + 60_000, room: rules });
    const token = tickets.admissionToken(1, 'alice', 4, NOW + 30_000);
    expect(check.check(purchase(1, 'alice', token), NOW)).toEqual({ position: 4 });
    expect(check.check(purchase(1, 'alice', token), NOW)).toMatchObject({
      reason: 'ADMISSION',
      admission: 'USED',
    });
  });

  it.each([
    ['no token', () => undefined, 'MISSING'],
    ['garbage', () => 'a.b.c', 'INVALID'],
    ["another buyer's", (t: RoomTickets) => t.admissionToken(1, 'bob', 1, NOW + 30_000), 'OTHER_BUYER'],
    [
      "another activity's",
      (t: RoomTickets) => t.admissionToken(2, 'alice', 1, NOW + 30_000),
      'OTHER_ACTIVITY',
    ],
    ['an expired one', (t: RoomTickets) => t.admissionToken(1, 'alice', 1, NOW - 1_000), 'EXPIRED'],
  ])(
    'when the purchase carries %s, then it is refused as a value, decided in memory',
    (_name, tokenOf, admission) => {
      const { check, tickets } = tokensFor({ startsAt: 0, endsAt: NOW + 60_000, room: rules });
      expect(check.check(purchase(1, 'alice', tokenOf(tickets)), NOW)).toMatchObject({
        reason: 'ADMISSION',
        decidedBy: 'memory',
        admission,
      });
    },
  );
});
