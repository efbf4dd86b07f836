import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DashboardCatalogue } from './dashboard-catalogue';
import { DashboardService, DashboardSnapshot } from './dashboard.service';

/** A text for the viewer instead of a snapshot (the page shows `error`). */
export interface ViewerNotice {
  readonly error: string;
}
/** What a viewer is sent when a snapshot failed: the cause is logged, never shown. */
export const SNAPSHOT_UNAVAILABLE: ViewerNotice = { error: 'the snapshot is unavailable for now; retrying' };
/** What a viewer of an activity the dashboard does not show (unknown, or over) is sent, for nothing. */
export const NOT_SHOWN: ViewerNotice = { error: 'no such activity on the dashboard (unknown, or over)' };
/** Activities (and "the latest") with a cached snapshot at most: odd ids cannot grow memory. */
const MAX_CACHED = 100;

type FeedAnswer = DashboardSnapshot | ViewerNotice;

interface Cached {
  at: number;
  value: Promise<FeedAnswer>;
}

/**
 * One snapshot per activity per DASHBOARD_INTERVAL_MS, shared by every viewer: a snapshot costs a few
 * PostgreSQL queries and Kafka admin requests on the infrastructure the sale runs on, so their rate must
 * not grow with the number of open pages, nor with the ids callers make up (DashboardCatalogue).
 * Concurrent callers share the snapshot in flight.
 */
@Injectable()
export class DashboardFeed {
  private readonly logger = new Logger(DashboardFeed.name);
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly dashboard: DashboardService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly catalogue: DashboardCatalogue,
  ) {}

  /** The snapshot of the activity asked for (the latest by default), cached under its real id. */
  async latest(activityId?: number): Promise<FeedAnswer> {
    const shown = await this.catalogue.shown().catch(() => null);
    if (!shown) return SNAPSHOT_UNAVAILABLE;
    if (activityId !== undefined && !shown.ids.has(activityId)) return NOT_SHOWN;
    return this.snapshotOf(activityId ?? shown.latest);
  }

  private snapshotOf(activityId: number | undefined): Promise<FeedAnswer> {
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
