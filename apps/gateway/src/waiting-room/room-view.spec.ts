import { RoomRead, RoomView } from './room-view';

const rules = { opensBeforeSeconds: 600, admitPerSecond: 10, maxAdmitted: 5, admissionWindowSeconds: 60 };
const NOW = 1_000_000;

function room(read: Partial<RoomRead> = {}): RoomView {
  const view = new RoomView(7, NOW - 1_000, NOW + 3_600_000, rules);
  view.apply(
    {
      offsetMs: 0,
      serving: 0,
      preQueue: 0,
      seed: 42,
      remaining: 10,
      joined: 0,
      admitted: 0,
      grants: [],
      ...read,
    },
    NOW,
  );
  return view;
}

describe('a gateway copy of a waiting room', () => {
  it('when the sale has not started, then a place is WAITING with no position yet (drawn at the start)', () => {
    const view = new RoomView(7, NOW + 30_000, NOW + 3_600_000, rules);
    expect(view.judge(1, false, NOW)).toMatchObject({ state: 'WAITING', position: null, etaSeconds: 30 });
  });

  it('when a place is behind "now serving", then it is WAITING with an ETA at the room rate', () => {
    const answer = room({ serving: 10, joined: 50 }).judge(40, false, NOW);
    expect(answer).toMatchObject({ state: 'WAITING', position: 40, etaSeconds: 3 });
    expect(answer.pollAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('when a place is in a live admission batch, then it is ADMITTED until the batch deadline', () => {
    const view = room({ serving: 5, joined: 9, grants: [{ first: 1, last: 5, deadline: NOW + 60_000 }] });
    expect(view.judge(3, false, NOW)).toMatchObject({
      state: 'ADMITTED',
      position: 3,
      admittedUntil: NOW + 60_000,
    });
  });

  it("when a place's batch has lapsed, then it is EXPIRED (the slot went on)", () => {
    const view = room({ serving: 5, joined: 9, grants: [{ first: 1, last: 5, deadline: NOW + 60_000 }] });
    expect(view.judge(3, false, NOW + 60_000).state).toBe('EXPIRED');
  });

  it('when the activity is sold out, then every place says SOLD_OUT, whatever else holds', () => {
    const view = room({ serving: 5, joined: 9, grants: [{ first: 1, last: 5, deadline: NOW + 60_000 }] });
    for (const arrival of [1, 9])
      expect(view.judge(arrival, true, NOW)).toMatchObject({ state: 'SOLD_OUT', remainingStock: 0 });
  });

  it('when a read brings batches it already holds, then each is kept once, and lapsed ones are dropped', () => {
    const view = room({ serving: 5, grants: [{ first: 1, last: 5, deadline: NOW + 1_000 }] });
    view.apply(
      {
        offsetMs: 0,
        serving: 8,
        preQueue: 0,
        seed: 42,
        remaining: 10,
        joined: 9,
        admitted: 3,
        grants: [
          { first: 1, last: 5, deadline: NOW + 1_000 },
          { first: 6, last: 8, deadline: NOW + 61_000 },
        ],
      },
      NOW + 2_000,
    );
    expect(view.grants).toEqual([{ first: 6, last: 8, deadline: NOW + 61_000 }]);
    expect(view.serving).toBe(8);
  });
});
