import { nextStep, notDueStep } from './timeout-plan';

const LEVELS = [1, 5, 10, 30, 60, 300];
const T0 = 1_700_000_000_000;

/** A clock the test moves by hand. */
function clockAt(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('nextStep', () => {
  it('when the level delay has not elapsed and the due time is later, then it waits for the level delay', () => {
    const clock = clockAt(T0 + 200);
    const step = nextStep(T0 + 1_000, { levelSeconds: 1, timestamp: T0 }, clock.now(), LEVELS);
    expect(step).toEqual({ kind: 'wait', until: T0 + 1_000 });
  });

  it('when the due time comes before the level delay, then it waits only until the due time', () => {
    const step = nextStep(T0 + 400, { levelSeconds: 5, timestamp: T0 }, T0 + 100, LEVELS);
    expect(step).toEqual({ kind: 'wait', until: T0 + 400 });
  });

  it('when the message is ready and due, then it is cancelled', () => {
    const clock = clockAt(T0);
    clock.advance(1_000);
    expect(nextStep(T0 + 1_000, { levelSeconds: 1, timestamp: T0 }, clock.now(), LEVELS)).toEqual({
      kind: 'cancel',
    });
  });

  it('when the due time is long past (a backlog), then it is cancelled at once', () => {
    const step = nextStep(T0, { levelSeconds: 300, timestamp: T0 - 1_000 }, T0 + 60_000, LEVELS);
    expect(step).toEqual({ kind: 'cancel' });
  });

  it('when the level delay has elapsed but the due time is ahead, then it hops to the level that fits', () => {
    const clock = clockAt(T0);
    const delivery = { levelSeconds: 1, timestamp: T0 };
    clock.advance(1_000);
    expect(nextStep(T0 + 7_500, delivery, clock.now(), LEVELS)).toEqual({
      kind: 'hop',
      level: 5,
      dueAt: T0 + 7_500,
    });
  });

  it('when less than the shortest level remains, then it hops to the shortest level', () => {
    const step = nextStep(T0 + 1_300, { levelSeconds: 1, timestamp: T0 }, T0 + 1_000, LEVELS);
    expect(step).toEqual({ kind: 'hop', level: 1, dueAt: T0 + 1_300 });
  });

  it('when a message hops until due, then it is never cancelled before its due time', () => {
    const clock = clockAt(T0);
    const dueAt = T0 + 3_000;
    let delivery = { levelSeconds: 1, timestamp: T0 };
    const hops: number[] = [];
    for (let i = 0; i < 10; i++) {
      const step = nextStep(dueAt, delivery, clock.now(), LEVELS);
      if (step.kind === 'cancel') break;
      if (step.kind === 'wait') clock.advance(step.until - clock.now());
      else {
        hops.push(step.level);
        delivery = { levelSeconds: step.level, timestamp: clock.now() };
      }
    }
    expect(clock.now()).toBe(dueAt);
    expect(hops).toEqual([1, 1]);
  });

  it('when the producer clock is far behind ours, then the level delay counts as elapsed and it hops', () => {
    const step = nextStep(T0 + 100, { levelSeconds: 30, timestamp: T0 - 60_000 }, T0, LEVELS);
    expect(step).toEqual({ kind: 'hop', level: 1, dueAt: T0 + 100 });
  });
});

describe('notDueStep', () => {
  it('when the database says the order expires later, then the timeout hops with the due time moved', () => {
    expect(notDueStep(6_000, T0, LEVELS)).toEqual({ kind: 'hop', level: 5, dueAt: T0 + 6_000 });
  });

  it('when the remainder rounds to nothing, then it still waits at least a millisecond', () => {
    expect(notDueStep(0.2, T0, LEVELS)).toEqual({ kind: 'hop', level: 1, dueAt: T0 + 1 });
  });
});
