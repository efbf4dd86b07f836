import { formatActivityChange, parseActivityChange, parseStockChange } from '@app/stock';

describe('risk channel messages', () => {
  it('when a stock change is published by a script, then it parses; anything else is ignored', () => {
    expect(parseStockChange('42:0')).toEqual({ activityId: 42, remaining: 0 });
    expect(parseStockChange('42:17')).toEqual({ activityId: 42, remaining: 17 });
    expect(parseStockChange('42:marker')).toBeNull();
    expect(parseStockChange('')).toBeNull();
  });

  it('when an activity change round-trips, then it is unchanged; a malformed one is ignored', () => {
    const change = { id: 7, startsAt: 1_000, endsAt: 2_000 };
    expect(parseActivityChange(formatActivityChange(change))).toEqual(change);
    expect(parseActivityChange('{"id":7,"startsAt":"soon","endsAt":2000}')).toBeNull();
    expect(parseActivityChange('{not json')).toBeNull();
  });
});
