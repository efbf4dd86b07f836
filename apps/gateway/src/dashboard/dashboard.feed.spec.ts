import { AppConfig } from '@app/config';
import { DashboardCatalogue } from './dashboard-catalogue';
import { DashboardFeed, NOT_SHOWN, SNAPSHOT_UNAVAILABLE } from './dashboard.feed';
import { DashboardService, DashboardSnapshot } from './dashboard.service';

/** By default the dashboard shows 7 (the latest) and 5, both open; any other id is unknown or over. */
function feed(
  snapshot: jest.Mock,
  {
    intervalMs = 60_000,
    points = 600,
    shown = { latest: 7 as number | undefined, ids: new Set([5, 7]) },
  }: { intervalMs?: number; points?: number; shown?: { latest?: number; ids: Set<number> } } = {},
) {
  const config = { DASHBOARD_INTERVAL_MS: intervalMs, DASHBOARD_HISTORY_POINTS: points } as AppConfig;
  const catalogue = { shown: jest.fn(async () => shown) };
  const f = new DashboardFeed(
    { snapshot } as unknown as DashboardService,
    config,
    catalogue as unknown as DashboardCatalogue,
  );
  return { f, catalogue };
}

let clock = 0;
const snapshotOf = jest.fn(
  async (id?: number) => ({ at: ++clock, activity: id ? { id } : null }) as unknown as DashboardSnapshot,
);

describe('dashboard feed', () => {
  beforeEach(() => snapshotOf.mockClear());

  it('when 200 viewers ask within one interval, then one snapshot is taken per activity', async () => {
    const { f } = feed(snapshotOf);
    await Promise.all(Array.from({ length: 200 }, () => f.latest(5)));
    await Promise.all(Array.from({ length: 200 }, () => f.latest(7)));
    expect(snapshotOf.mock.calls).toEqual([[5], [7]]);
  });

  it('when a viewer asks for no activity, then it shares the latest activity’s snapshot and history', async () => {
    const { f } = feed(snapshotOf);
    await Promise.all([f.latest(), f.latest(7), f.latest()]);
    expect(snapshotOf.mock.calls).toEqual([[7]]);
    expect(f.recorded(7)).toHaveLength(1);
  });

  it('when a caller varies the activity over unknown or finished ids, then nothing is looked up for them', async () => {
    const { f, catalogue } = feed(snapshotOf);
    const answers = await Promise.all(Array.from({ length: 1_000 }, (_, i) => f.latest(1_000 + i)));
    expect(snapshotOf).not.toHaveBeenCalled();
    expect(catalogue.shown).toHaveBeenCalledTimes(1_000); // its own cache makes that one query per interval
    expect(new Set(answers)).toEqual(new Set([NOT_SHOWN]));
  });

  it('when there is no activity yet, then the default view is one snapshot of nothing, and nothing is recorded', async () => {
    const { f } = feed(snapshotOf, { shown: { latest: undefined, ids: new Set() } });
    await expect(f.latest()).resolves.toMatchObject({ activity: null });
    await f.latest();
    expect(snapshotOf.mock.calls).toEqual([[undefined]]);
  });

  it('when snapshots go on past the history size, then only the last ones are kept, oldest first', async () => {
    const { f } = feed(snapshotOf, { intervalMs: 1, points: 3 });
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
    expect(feed(snapshotOf).f.recorded(42)).toEqual([]);
    expect(snapshotOf).not.toHaveBeenCalled();
  });

  it('when the snapshot fails, then viewers get a fixed text and never the cause, and nothing is recorded', async () => {
    const { f } = feed(
      jest.fn(async () => Promise.reject(new Error('password authentication failed for "seckill"'))),
    );
    await expect(f.latest(7)).resolves.toEqual(SNAPSHOT_UNAVAILABLE);
    expect(JSON.stringify(SNAPSHOT_UNAVAILABLE)).not.toMatch(/password|seckill/);
    expect(f.recorded(7)).toEqual([]);
  });
});
