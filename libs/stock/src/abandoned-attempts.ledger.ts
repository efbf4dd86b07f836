import { DataSource } from 'typeorm';
import { AbandonedAttempt, abandonedAttemptsTable } from '@app/database';

export type { AbandonedAttempt };

/**
 * The durable half of an abandon (abandon.lua is the other): a gateway that lost the reservation script's
 * reply answers 503, "nothing was taken", and records the attempt here first. Redis may lose the abandon
 * itself (a restart from an older AOF, a failover) and bring the reservation back; the order intake then
 * finds the attempt here and abandons it again instead of ordering it.
 */
export function recordAbandoned(db: DataSource, a: AbandonedAttempt): Promise<void> {
  return abandonedAttemptsTable.record(db, a);
}

/** Which of these order ids were answered 503 and abandoned. */
export async function abandonedAmong(db: DataSource, orderIds: string[]): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  return abandonedAttemptsTable.among(db, orderIds);
}
