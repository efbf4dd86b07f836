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
export type FeedValue = DashboardSnapshot | ViewerNotice;
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
 * not grow with the number of open pages, nor with the ids callers make up (DashboardCatalogue).
 * Concurrent callers share the snapshot in flight. Each activity's last snapshots are kept, so that a page
 * opened late can draw what it missed.
 */
@Injectable()
export class DashboardFeed {
  private readonly logger = new Logger(DashboardFeed.name);
  private readonly series = new Map<string, Series>();

  constructor(
    private readonly dashboard: DashboardService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly catalogue: DashboardCatalogue,
  ) {}

  /** The activity's snapshot of this interval (the latest activity's by default), kept under its real id. */
  async latest(activityId?: number): Promise<FeedValue> {
    const shown = await this.catalogue.shown().catch(() => null);
    if (!shown) return SNAPSHOT_UNAVAILABLE;
    if (activityId !== undefined && !shown.ids.has(activityId)) return NOT_SHOWN;
    return this.take(activityId ?? shown.latest);
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
