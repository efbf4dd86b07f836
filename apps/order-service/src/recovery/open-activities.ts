import { DataSource } from 'typeorm';
import { queryRows } from '@app/database';

/** An activity whose sale or pay window is not over; no row of the whole history is read (activities_by_end). */
export interface OpenActivity {
  id: number;
  /** its stock shards (1: unsharded) */
  shards: number;
}

// A pay window is at most a day (CreateActivityDto): an open activity ended less than a day ago.
const OPEN = `ends_at > now() - interval '1 day'
  AND ends_at + make_interval(secs => pay_timeout_seconds) > now()`;

/** Every open activity, by id. */
export function allOpenActivities(db: DataSource): Promise<OpenActivity[]> {
  return queryRows<OpenActivity>(
    db,
    `SELECT id, stock_shards AS shards FROM activities WHERE ${OPEN} ORDER BY id`,
  );
}

/**
 * A backstop's turn: the next `count` open activities after `after` (by id). Each turn starts where the
 * last one stopped, and from the start again once a turn comes back short.
 */
export class OpenActivityTurns {
  private after = 0;

  constructor(
    private readonly db: DataSource,
    private readonly count: number,
  ) {}

  async next(): Promise<OpenActivity[]> {
    const rows = await queryRows<OpenActivity>(
      this.db,
      `SELECT id, stock_shards AS shards FROM activities WHERE ${OPEN} AND id > $1 ORDER BY id LIMIT $2`,
      [this.after, this.count],
    );
    this.after = rows.length < this.count ? 0 : rows[rows.length - 1].id;
    return rows;
  }
}
