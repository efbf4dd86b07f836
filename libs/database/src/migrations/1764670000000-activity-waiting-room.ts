import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The waiting room of an activity (apps/gateway/src/waiting-room), opt-in: its rules as one JSON value
 * (opensBeforeSeconds, admitPerSecond, maxAdmitted, admissionWindowSeconds); NULL = no room, the plain sale.
 */
export class ActivityWaitingRoom1764670000000 implements MigrationInterface {
  name = 'ActivityWaitingRoom1764670000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      "ALTER TABLE activities ADD COLUMN waiting_room jsonb NULL CHECK (waiting_room IS NULL OR jsonb_typeof(waiting_room) = 'object')",
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE activities DROP COLUMN waiting_room');
  }
}
