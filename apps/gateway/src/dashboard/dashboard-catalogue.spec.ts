import { AppConfig } from '@app/config';
import { DashboardCatalogue } from './dashboard-catalogue';

describe('dashboard catalogue', () => {
  it('when asked many times within one interval, then PostgreSQL is asked once', async () => {
    const query = jest.fn(async () => ({ records: [{ id: 9 }, { id: 4 }] }));
    const catalogue = new DashboardCatalogue(
      { createQueryRunner: () => ({ query, release: async () => undefined }) } as never,
      { DASHBOARD_INTERVAL_MS: 60_000 } as AppConfig,
    );
    const answers = await Promise.all(Array.from({ length: 100 }, () => catalogue.shown()));
    expect(query).toHaveBeenCalledTimes(1);
    expect(answers[99]).toEqual({ latest: 9, ids: new Set([9, 4]) });
  });
});
