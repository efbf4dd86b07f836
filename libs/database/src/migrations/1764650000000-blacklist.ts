import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The blacklist's record (apps/gateway/src/risk/blacklist.store.ts): Redis holds only a copy for the
 * gateways, which a data loss there must not erase. `blacklist_version` is its one-row change counter,
 * bumped in the transaction of every change: versions only grow, whatever happens to Redis, and a
 * snapshot read in one statement is the blacklist at its version.
 */
export class Blacklist1764650000000 implements MigrationInterface {
  name = 'Blacklist1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE blacklist (
      kind varchar(8) NOT NULL CHECK (kind IN ('user', 'ip')),
      value varchar(64) NOT NULL,
      reason varchar(200) NOT NULL DEFAULT '',
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (kind, value)
    )`);
    await q.query(`CREATE TABLE blacklist_version (
      one boolean PRIMARY KEY DEFAULT true CHECK (one),
      version bigint NOT NULL
    )`);
    await q.query('INSERT INTO blacklist_version (version) VALUES (0)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE blacklist_version');
    await q.query('DROP TABLE blacklist');
  }
}
