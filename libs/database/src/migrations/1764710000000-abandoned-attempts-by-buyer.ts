import { SqlMigration } from './sql-migration';

/**
 * The order intake, abandoning again a reservation a gateway answered 503, reads every abandoned attempt of
 * its buyer in the activity (a retry answered 503 too names nothing): by buyer, not by a scan of the table.
 */
export class AbandonedAttemptsByBuyer1764710000000 extends SqlMigration {
  name = 'AbandonedAttemptsByBuyer1764710000000';
  protected readonly sql = {
    up: ['CREATE INDEX abandoned_attempts_by_buyer ON abandoned_attempts (activity_id, user_id)'],
    down: ['DROP INDEX abandoned_attempts_by_buyer'],
  };
}
