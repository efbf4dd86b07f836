import { SqlMigration, addColumn } from './sql-migration';

/**
 * The waiting room of an activity (apps/gateway/src/waiting-room), opt-in: its rules as one JSON value
 * (opensBeforeSeconds, admitPerSecond, maxAdmitted, admissionWindowSeconds); NULL = no room, the plain sale.
 */
export class ActivityWaitingRoom1764670000000 extends SqlMigration {
  name = 'ActivityWaitingRoom1764670000000';
  protected readonly sql = addColumn(
    'activities',
    "waiting_room jsonb NULL CHECK (waiting_room IS NULL OR jsonb_typeof(waiting_room) = 'object')",
  );
}
