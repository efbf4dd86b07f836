import { backlogSplit } from './backlog-split';

describe('a partition backlog split by production time', () => {
  it('when the cut lies inside the backlog, then the messages before it and since it add up to the backlog', () => {
    expect(backlogSplit({ from: 10, to: 50, split: 30 })).toEqual({ before: 20, since: 20 });
  });

  it('when every message was produced before the time, then the whole backlog is before it', () => {
    // Kafka answers "no such offset" with the high watermark.
    expect(backlogSplit({ from: 10, to: 50, split: 50 })).toEqual({ before: 40, since: 0 });
  });

  it('when the cut is behind the group (already committed), then the whole backlog is since it', () => {
    expect(backlogSplit({ from: 10, to: 50, split: 3 })).toEqual({ before: 0, since: 40 });
  });

  it('when the offsets were read at different moments and disagree, then no part is negative', () => {
    expect(backlogSplit({ from: 60, to: 50, split: 70 })).toEqual({ before: 0, since: 0 });
    expect(backlogSplit({ from: 10, to: 50, split: 90 })).toEqual({ before: 40, since: 0 });
  });
});
