import { groupByActivity } from './stock.store';

describe('groupByActivity', () => {
  it('keeps each activity’s items in their order and the activities in order of first appearance', () => {
    const items = [
      { activityId: 2, n: 1 },
      { activityId: 1, n: 2 },
      { activityId: 2, n: 3 },
    ];
    expect([...groupByActivity(items)]).toEqual([
      [2, [items[0], items[2]]],
      [1, [items[1]]],
    ]);
  });

  it('gives nothing for nothing', () => {
    expect(groupByActivity([]).size).toBe(0);
  });
});
