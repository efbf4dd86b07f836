import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DashboardService, DashboardSnapshot } from './dashboard.service';

/** What a viewer is sent when a snapshot failed: the cause is logged, never shown. */
export const SNAPSHOT_UNAVAILABLE = { error: 'the snapshot is unavailable for now; retrying' } as const;
export type FeedValue = DashboardSnapshot | typeof SNAPSHOT_UNAVAILABLE;
/** Activities with a series kept at most: odd ids cannot grow memory. */
const MAX_SERIES = 20;

interface Series {
  /** when the last snapshot was asked for (performance.now()) */
  at: number;
  value: Promise<FeedValue>;
  /** the activity's last DASHBOARD_HISTORY_POINTS snapshots, oldest first */
  points: DashboardSnapshot[];
}

/**
 * One snapshot per activity per DASHBOARD_INTERVAL_MS, shared by every viewer: a snapshot costs a few
 * PostgreSQL queries and Kafka admin requests on the infrastructure the sale runs on, so their rate must
 * not grow with the number of open pages. Concurrent callers share the snapshot in flight. Each activity's
 * last snapshots are kept, so that a page opened late can draw what it missed.
 */
@Injectable()
export class DashboardFeed {
  private readonly logger = new Logger(DashboardFeed.name);
  private readonly series = new Map<string, Series>();
  private newestId?: { at: number; value: Promise<number | null> };

  constructor(
    private readonly dashboard: DashboardService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The activity's snapshot of this interval; without an id, the most recent activity's. */
  async latest(activityId?: number): Promise<FeedValue> {
    if (activityId !== undefined) return this.take(activityId);
    const newest = await this.newest();
    return newest === null ? this.take(undefined) : this.take(newest);
  }

  /** What was recorded of the activity, oldest first (never takes a snapshot). */
  recorded(activityId: number): DashboardSnapshot[] {
    return [...(this.series.get(String(activityId))?.points ?? [])];
  }

  private take(activityId: number | undefined): Promise<FeedValue> {
    const key = String(activityId ?? 'none');
    const now = performance.now();
    const hit = this.series.get(key);
    if (hit && now - hit.at < this.config.DASHBOARD_INTERVAL_MS) return hit.value;
    const series: Series = hit ?? { at: now, value: Promise.resolve(SNAPSHOT_UNAVAILABLE), points: [] };
    series.at = now;
    series.value = this.dashboard.snapshot(activityId).then(
      (snapshot) => {
        if (activityId !== undefined && snapshot.activity) this.record(series, snapshot);
        return snapshot;
      },
      (err: unknown) => {
        this.logger.warn({ msg: 'dashboard snapshot failed', activityId, err: (err as Error).message });
        return SNAPSHOT_UNAVAILABLE;
      },
    );
    this.keep(key, series);
    return series.value;
  }

  /** The most recent activity's id, looked up at most once an interval. */
  private newest(): Promise<number | null> {
    const now = performance.now();
    if (!this.newestId || now - this.newestId.at >= this.config.DASHBOARD_INTERVAL_MS) {
      const value = this.dashboard.newestActivity().catch(() => null);
      this.newestId = { at: now, value };
    }
    return this.newestId.value;
  }

  private record(series: Series, snapshot: DashboardSnapshot): void {
    if (series.points.at(-1)?.at === snapshot.at) return;
    series.points.push(snapshot);
    const excess = series.points.length - this.config.DASHBOARD_HISTORY_POINTS;
    if (excess > 0) series.points.splice(0, excess);
  }

  /** Most recently used last; the least recently used goes when the map is full. */
  private keep(key: string, series: Series): void {
    this.series.delete(key);
    if (this.series.size >= MAX_SERIES) this.series.delete(this.series.keys().next().value!);
    this.series.set(key, series);
  }
}
