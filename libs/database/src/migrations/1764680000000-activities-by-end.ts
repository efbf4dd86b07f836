import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The background loops ask for the open activities (sale or pay window not over) every second; without an
 * index on the end, each ask read every activity ever held. A pay window is at most a day, so an open
 * activity ended less than a day ago: the index keeps the ask to the recent ones.
 */
export class ActivitiesByEnd1764680000000 implements MigrationInterface {
  name = 'ActivitiesByEnd1764680000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX activities_by_end ON activities (ends_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX activities_by_end');
  }
}
