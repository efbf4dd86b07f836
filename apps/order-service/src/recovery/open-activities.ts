import { DataSource } from 'typeorm';
import { OpenActivity, activitiesTable } from '@app/database';

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
    const rows = await activitiesTable.openAfter(this.db, this.after, this.count);
    this.after = rows.length < this.count ? 0 : rows[rows.length - 1].id;
    return rows;
  }
}
