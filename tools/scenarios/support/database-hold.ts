import { DataSource, QueryRunner } from 'typeorm';

/**
 * Stands in for a saturated database, for one activity only: its `activities` row is locked FOR UPDATE,
 * so every INSERT of its orders waits in the foreign-key check (FOR KEY SHARE) until `release()`.
 * Reads, and every other activity, go on as usual.
 */
export class DatabaseHold {
  private constructor(private readonly runner: QueryRunner) {}

  static async start(db: DataSource, activityId: number): Promise<DatabaseHold> {
    const runner = db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query('SELECT id FROM activities WHERE id = $1 FOR UPDATE', [activityId]);
    return new DatabaseHold(runner);
  }

  get released(): boolean {
    return this.runner.isReleased;
  }

  async release(): Promise<void> {
    if (this.runner.isReleased) return;
    try {
      await this.runner.commitTransaction();
    } finally {
      await this.runner.release();
    }
  }
}
