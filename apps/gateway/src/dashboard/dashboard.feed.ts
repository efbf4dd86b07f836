import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DashboardService, DashboardSnapshot } from './dashboard.service';

/** What a viewer is sent when a snapshot failed: the cause is logged, never shown. */
export const SNAPSHOT_UNAVAILABLE = { error: 'the snapshot is unavailable for now; retrying' } as const;
/** Activities (and "the latest") with a cached snapshot at most: odd ids cannot grow memory. */
const MAX_CACHED = 100;

interface Cached {
  at: number;
  value: Promise<DashboardSnapshot | typeof SNAPSHOT_UNAVAILABLE>;
}

/**
 * One snapshot per activity per DASHBOARD_INTERVAL_MS, shared by every viewer: a snapshot costs a few
 * PostgreSQL queries and Kafka admin requests on the infrastructure the sale runs on, so their rate must
 * not grow with the number of open pages. Concurrent callers share the snapshot in flight.
 */
@Injectable()
export class DashboardFeed {
  private readonly logger = new Logger(DashboardFeed.name);
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly dashboard: DashboardService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  latest(activityId?: number): Promise<DashboardSnapshot | typeof SNAPSHOT_UNAVAILABLE> {
    const key = activityId === undefined ? 'latest' : String(activityId);
    const now = performance.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.config.DASHBOARD_INTERVAL_MS) return hit.value;
    const value = this.dashboard.snapshot(activityId).catch((err: unknown) => {
      this.logger.warn({ msg: 'dashboard snapshot failed', activityId, err: (err as Error).message });
      return SNAPSHOT_UNAVAILABLE;
    });
    this.cache.delete(key);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { at: now, value });
    return value;
  }
}
