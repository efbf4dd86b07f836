import { AppConfig } from '@app/config';
import { DashboardFeed, SNAPSHOT_UNAVAILABLE } from './dashboard.feed';
import { DashboardService, DashboardSnapshot } from './dashboard.service';

function feed(
  snapshot: jest.Mock,
  {
    intervalMs = 60_000,
    points = 600,
    newest = 7,
  }: { intervalMs?: number; points?: number; newest?: number | null } = {},
) {
  const config = { DASHBOARD_INTERVAL_MS: intervalMs, DASHBOARD_HISTORY_POINTS: points } as AppConfig;
  const service = { snapshot, newestActivity: jest.fn(async () => newest) };
  return new DashboardFeed(service as unknown as DashboardService, config);
}

let clock = 0;
const snapshotOf = jest.fn(
  async (id?: number) => ({ at: ++clock, activity: id ? { id } : null }) as unknown as DashboardSnapshot,
);

describe('dashboard feed', () => {
  beforeEach(() => snapshotOf.mockClear());

  it('when 200 viewers ask within one interval, then one snapshot is taken per activity', async () => {
    const f = feed(snapshotOf);
    await Promise.all(Array.from({ length: 200 }, () => f.latest(7)));
    await Promise.all(Array.from({ length: 200 }, () => f.latest(8)));
    expect(snapshotOf.mock.calls).toEqual([[7], [8]]);
  });

  it('when a viewer asks for no activity, then it shares the newest activity’s snapshot and history', async () => {
    const f = feed(snapshotOf, { newest: 7 });
    await f.latest(7);
    await f.latest();
    expect(snapshotOf.mock.calls).toEqual([[7]]);
    expect(f.recorded(7)).toHaveLength(1);
  });

  it('when there is no activity yet, then the snapshot says so and nothing is recorded', async () => {
    const f = feed(snapshotOf, { newest: null });
    await expect(f.latest()).resolves.toMatchObject({ activity: null });
    expect(snapshotOf.mock.calls).toEqual([[undefined]]);
  });

  it('when snapshots go on past the history size, then only the last ones are kept, oldest first', async () => {
    const f = feed(snapshotOf, { intervalMs: 1, points: 3 });
    for (let i = 0; i < 5; i++) {
      await f.latest(7);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const kept = f.recorded(7).map((s) => s.at);
    expect(kept).toHaveLength(3);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(kept.at(-1)).toBe(clock);
  });

  it('when nothing was recorded of an activity, then its history is empty and asking takes no snapshot', () => {
    expect(feed(snapshotOf).recorded(42)).toEqual([]);
    expect(snapshotOf).not.toHaveBeenCalled();
  });

  it('when the snapshot fails, then viewers get a fixed text and never the cause, and nothing is recorded', async () => {
    const f = feed(
      jest.fn(async () => Promise.reject(new Error('password authentication failed for "seckill"'))),
    );
    await expect(f.latest(7)).resolves.toEqual(SNAPSHOT_UNAVAILABLE);
    expect(JSON.stringify(SNAPSHOT_UNAVAILABLE)).not.toMatch(/password|seckill/);
    expect(f.recorded(7)).toEqual([]);
  });
});
