import { SqlMigration, createIndex } from './sql-migration';

/**
 * The background loops ask for the open activities (sale or pay window not over) every second; without an
 * index on the end, each ask read every activity ever held. A pay window is at most a day, so an open
 * activity ended less than a day ago: the index keeps the ask to the recent ones.
 */
export class ActivitiesByEnd1764680000000 extends SqlMigration {
  name = 'ActivitiesByEnd1764680000000';
  protected readonly sql = createIndex('activities_by_end', 'activities (ends_at)');
}
