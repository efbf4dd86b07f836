import { RedisService } from '@app/redis';
import { ActivityWindows, judgeWindow } from './activity-windows';

function windowsOver(meta: Record<number, [string, string]>) {
  const hmget = jest.fn(async (key: string) => {
    const id = Number(/\{(\d+)\}/.exec(key)![1]);
    return meta[id] ?? [null, null];
  });
  const windows = new ActivityWindows({ client: { hmget } } as unknown as RedisService);
  return { windows, hmget };
}

describe('sale window', () => {
  const window = { startsAt: 1_000, endsAt: 2_000 };

  it.each([
    [999, 'NOT_STARTED'],
    [1_000, 'OPEN'],
    [1_999, 'OPEN'],
    [2_000, 'ENDED'],
  ])('when now is %d (window 1000–2000), then the verdict is %s', (now, verdict) => {
    expect(judgeWindow(window, now)).toBe(verdict);
  });

  it('when the activity is unknown, then the verdict is NOT_FOUND', () => {
    expect(judgeWindow(null, 1_500)).toBe('NOT_FOUND');
  });
});

describe('in-process activity windows', () => {
  it('when many purchases arrive for an activity not seen yet, then Redis is read once', async () => {
    const { windows, hmget } = windowsOver({ 7: ['1000', '2000'] });
    const all = await Promise.all(Array.from({ length: 50 }, () => windows.get(7)));
    await windows.get(7);
    expect(all.every((w) => w?.endsAt === 2_000)).toBe(true);
    expect(hmget).toHaveBeenCalledTimes(1);
  });

  it('when the admin ends the sale, then the pushed change replaces the cached window', async () => {
    const { windows } = windowsOver({ 7: ['1000', '2000'] });
    await windows.get(7);
    windows.applyChange(7, { startsAt: 1_000, endsAt: 1_200 });
    expect(await windows.get(7)).toEqual({ startsAt: 1_000, endsAt: 1_200 });
  });

  it('when a read answers after a newer pushed change, then the read is discarded', async () => {
    const { windows } = windowsOver({});
    const stamp = windows.changes.stamp(7);
    windows.applyChange(7, { startsAt: 1_000, endsAt: 1_200 });
    windows.applyRead(7, { startsAt: 1_000, endsAt: 2_000 }, stamp);
    expect(await windows.get(7)).toEqual({ startsAt: 1_000, endsAt: 1_200 });
  });

  it('when an id is unknown, then it is remembered only until the next refresh forgets it', async () => {
    const meta: Record<number, [string, string]> = {};
    const { windows, hmget } = windowsOver(meta);
    expect(await windows.get(9)).toBeNull();
    expect(await windows.get(9)).toBeNull();
    expect(hmget).toHaveBeenCalledTimes(1);
    meta[9] = ['1000', '2000']; // created, and its message was lost
    windows.forgetUnknown();
    expect(await windows.get(9)).toEqual({ startsAt: 1_000, endsAt: 2_000 });
  });

  it('when the refresh lists what to re-read, then ended activities are left out', async () => {
    const { windows } = windowsOver({ 1: ['0', '1000'], 2: ['0', '5000'] });
    await Promise.all([windows.get(1), windows.get(2)]);
    expect(windows.notOver(1_000)).toEqual([2]);
  });
});
