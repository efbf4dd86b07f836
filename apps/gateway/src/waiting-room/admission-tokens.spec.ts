import { loadConfig } from '@app/config';
import { Purchase } from '@app/contracts';
import { ActivityWindow } from '../risk/activity-windows';
import { AdmissionTokens } from './admission-tokens';
import { RoomTickets } from './room-tickets';
import { Rooms } from './rooms';

const rules = { opensBeforeSeconds: 0, admitPerSecond: 1, maxAdmitted: 1, admissionWindowSeconds: 60 };
const NOW = Date.now();

function tokensFor(window: ActivityWindow) {
  const tickets = new RoomTickets(loadConfig());
  const read = jest.spyOn(tickets, 'readAdmission');
  const admissions = new AdmissionTokens(tickets, {} as Rooms);
  /** The check as the purchase endpoint makes it: the purchase, its Admission-Token header, the window. */
  const check = (p: Purchase, token: string | undefined) => admissions.check(p, token, window);
  return { check, tickets, read };
}
const purchase = (activityId: number, userId: string): Purchase => ({
  activityId,
  userId,
  quantity: 1,
  ip: '127.0.0.1',
  correlationId: 'c-1',
  now: NOW,
  orderId: '',
});

describe('the admission token at the purchase', () => {
  it('when the activity has no room, then nothing is read or verified: no token is asked', () => {
    const { check, read } = tokensFor({ startsAt: 0, endsAt: NOW + 60_000 });
    expect(check(purchase(1, 'alice'), undefined)).toBeUndefined();
    expect(read).not.toHaveBeenCalled();
  });

  it('when the activity has a room, then a token of this buyer for this activity lets the purchase through once', () => {
    const { check, tickets } = tokensFor({ startsAt: 0, endsAt: NOW + 60_000, room: rules });
    const token = tickets.admissionToken(1, 'alice', 4, NOW + 30_000);
    expect(check(purchase(1, 'alice'), token)).toEqual({ position: 4 });
    expect(check(purchase(1, 'alice'), token)).toMatchObject({
      reason: 'ADMISSION_USED',
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
      expect(check(purchase(1, 'alice'), tokenOf(tickets))).toMatchObject({
        reason: `ADMISSION_${admission}`,
        decidedBy: 'memory',
      });
    },
  );
});
