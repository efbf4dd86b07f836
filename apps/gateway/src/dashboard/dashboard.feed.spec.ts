import { AppConfig } from '@app/config';
import { DashboardFeed, SNAPSHOT_UNAVAILABLE } from './dashboard.feed';
import { DashboardService } from './dashboard.service';

function feed(snapshot: jest.Mock) {
  const config = { DASHBOARD_INTERVAL_MS: 60_000 } as AppConfig;
  return new DashboardFeed({ snapshot } as unknown as DashboardService, config);
}

describe('dashboard feed', () => {
  it('when 200 viewers ask within one interval, then one snapshot is taken per activity', async () => {
    const snapshot = jest.fn(async (id?: number) => ({ at: 1, activity: id }));
    const f = feed(snapshot);
    await Promise.all(Array.from({ length: 200 }, () => f.latest(7)));
    await Promise.all(Array.from({ length: 200 }, () => f.latest()));
    expect(snapshot.mock.calls).toEqual([[7], [undefined]]);
  });

  it('when the snapshot fails, then viewers get a fixed text and never the cause', async () => {
    const f = feed(
      jest.fn(async () => Promise.reject(new Error('password authentication failed for "seckill"'))),
    );
    await expect(f.latest(7)).resolves.toEqual(SNAPSHOT_UNAVAILABLE);
    expect(JSON.stringify(SNAPSHOT_UNAVAILABLE)).not.toMatch(/password|seckill/);
  });
});
