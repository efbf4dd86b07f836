import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { activitiesTable } from '@app/database';

/** The activities the dashboard has data for: the latest (the default view) and every one not over. */
export interface ShownActivities {
  /** the most recent activity, whatever its state; undefined when there is none */
  latest?: number;
  ids: Set<number>;
}

/** Activities shown at most (the most recent): the snapshots taken per interval cannot exceed it. */
const MAX_SHOWN = 100;

/**
 * Which `activity` ids the dashboard answers with a snapshot: one query per DASHBOARD_INTERVAL_MS, shared
 * by every caller. An activity is shown until its last orders are settled (its end plus its pay timeout),
 * and the latest one always. Any other id — unknown, or over — is answered from this list alone, so
 * varying `activity` cannot multiply the snapshots (PostgreSQL, Redis, Kafka look-ups) taken per interval.
 */
@Injectable()
export class DashboardCatalogue {
  private cached?: { at: number; value: Promise<ShownActivities> };

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  shown(): Promise<ShownActivities> {
    const now = performance.now();
    if (this.cached && now - this.cached.at < this.config.DASHBOARD_INTERVAL_MS) return this.cached.value;
    this.cached = { at: now, value: this.read() };
    return this.cached.value;
  }

  private async read(): Promise<ShownActivities> {
    const rows = await activitiesTable.openOrLatest(this.db, MAX_SHOWN);
    return { latest: rows[0]?.id, ids: new Set(rows.map((r) => r.id)) };
  }
}
