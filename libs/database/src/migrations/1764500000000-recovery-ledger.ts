import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What recovery must remember apart from Redis, since it is about Redis losing writes:
 * - `abandoned_attempts`: the purchase attempts a gateway answered 503 after losing the reservation
 *   script's reply. The abandon that keeps the 503 true is a Redis write, which a restart from an older AOF
 *   or a failover can lose; the order intake re-applies it for any request named here.
 * - `redis_servers`: the run ids of the Redis servers (each master of a cluster) whose state the ledger has
 *   rebuilt or known since they started. A server not named here may be behind the ledger (a restart, an
 *   older AOF, a promoted replica): its activities are rebuilt — noticed even when it happened while no
 *   order-service was running.
 */
export class RecoveryLedger1764500000000 implements MigrationInterface {
  name = 'RecoveryLedger1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE abandoned_attempts (
      order_id uuid PRIMARY KEY,
      activity_id integer NOT NULL,
      user_id varchar(64) NOT NULL,
      abandoned_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE redis_servers (
      run_id varchar(64) PRIMARY KEY,
      known_since timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE redis_servers');
    await q.query('DROP TABLE abandoned_attempts');
  }
}
