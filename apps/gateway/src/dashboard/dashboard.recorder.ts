import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PeriodicService } from '@app/common';
import { DashboardFeed } from './dashboard.feed';
import { DashboardService } from './dashboard.service';

/** Open activities recorded at most: the most recent ones, so the cost stays a few queries an interval. */
const RECORDED_ACTIVITIES = 5;

/**
 * Takes the shared snapshot of each open activity every interval, watched or not, so that a page opened
 * late finds the sale from its start. It goes through the feed: viewers and the recorder share one
 * snapshot per activity per interval, and a purchase costs nothing more.
 */
@Injectable()
export class DashboardRecorder extends PeriodicService {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly feed: DashboardFeed,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super('dashboard recorder', config.DASHBOARD_INTERVAL_MS);
  }

  protected async tick(): Promise<void> {
    const open = await this.dashboard.openActivities(RECORDED_ACTIVITIES);
    await Promise.all(open.map((id) => this.feed.latest(id)));
  }
}
