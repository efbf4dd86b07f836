import { delayLevelFor, timeoutTopic } from './messages';

describe('delay levels', () => {
  const levels = [1, 5, 10, 30, 60, 300];

  it.each([
    [300_000, 300],
    [299_000, 300],
    [290_000, 60],
    [59_980, 60],
    [45_000, 30],
    [5_000, 5],
    [1_500, 1],
    [200, 1],
    [0, 1],
  ])('when %i ms remain, then the message goes to the %is level', (remainingMs, level) => {
    expect(delayLevelFor(remainingMs, levels)).toBe(level);
  });

  it('when levels are given unordered, then the answer is the same', () => {
    expect(delayLevelFor(12_000, [30, 1, 10, 5])).toBe(10);
  });

  it('when a level is named, then its topic says its delay', () => {
    expect(timeoutTopic(30)).toBe('seckill.order-timeouts.30s');
  });
});
