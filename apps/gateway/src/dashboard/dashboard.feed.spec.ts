import { AppConfig } from '@app/config';
import { DashboardCatalogue } from './dashboard-catalogue';
import { DashboardFeed, NOT_SHOWN, SNAPSHOT_UNAVAILABLE } from './dashboard.feed';
import { DashboardService } from './dashboard.service';

/** The activities the dashboard shows: 7 (the latest) and 5 are open; any other id is unknown or over. */
function feed(snapshot: jest.Mock, shown = { latest: 7, ids: new Set([5, 7]) }) {
  const config = { DASHBOARD_INTERVAL_MS: 60_000 } as AppConfig;
  const catalogue = { shown: jest.fn(async () => shown) };
  const f = new DashboardFeed(
    { snapshot } as unknown as DashboardService,
    config,
    catalogue as unknown as DashboardCatalogue,
  );
  return { f, catalogue };
}

describe('dashboard feed', () => {
  it('when 200 viewers ask within one interval, then one snapshot is taken per activity', async () => {
    const snapshot = jest.fn(async (id?: number) => ({ at: 1, activity: id }));
    const { f } = feed(snapshot);
    await Promise.all(Array.from({ length: 200 }, () => f.latest(5)));
    await Promise.all(Array.from({ length: 200 }, () => f.latest()));
    expect(snapshot.mock.calls).toEqual([[5], [7]]);
  });

  it('when the latest activity is asked by its id and by default, then it is one snapshot', async () => {
    const snapshot = jest.fn(async (id?: number) => ({ at: 1, activity: id }));
    const { f } = feed(snapshot);
    await Promise.all([f.latest(), f.latest(7), f.latest()]);
    expect(snapshot.mock.calls).toEqual([[7]]);
  });

  it('when a caller varies the activity over unknown or finished ids, then nothing is looked up for them', async () => {
    const snapshot = jest.fn(async (id?: number) => ({ at: 1, activity: id }));
    const { f, catalogue } = feed(snapshot);
    const answers = await Promise.all(Array.from({ length: 1_000 }, (_, i) => f.latest(1_000 + i)));
    expect(snapshot).not.toHaveBeenCalled();
    expect(catalogue.shown).toHaveBeenCalledTimes(1_000); // its own cache makes that one query per interval
    expect(new Set(answers)).toEqual(new Set([NOT_SHOWN]));
  });

  it('when there is no activity at all, then the default view is one snapshot of nothing', async () => {
    const snapshot = jest.fn(async () => ({ at: 1, activity: null }));
    const { f } = feed(snapshot, { latest: undefined as unknown as number, ids: new Set() });
    await Promise.all([f.latest(), f.latest()]);
    expect(snapshot.mock.calls).toEqual([[undefined]]);
  });

  it('when the snapshot fails, then viewers get a fixed text and never the cause', async () => {
    const { f } = feed(
      jest.fn(async () => Promise.reject(new Error('password authentication failed for "seckill"'))),
    );
    await expect(f.latest(7)).resolves.toEqual(SNAPSHOT_UNAVAILABLE);
    expect(JSON.stringify(SNAPSHOT_UNAVAILABLE)).not.toMatch(/password|seckill/);
  });
});
