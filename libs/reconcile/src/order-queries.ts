import { DataSource } from 'typeorm';
import { OrderStatus, activitiesTable, ordersTable } from '@app/database';

export interface ActivityRow {
  id: number;
  name: string;
  stock: number;
  perUserLimit: number;
  rebuilds: number;
}

/** What the invariants need of an order (a large sale's orders are read in one query). */
export interface OrderRow {
  id: string;
  userId: string;
  quantity: number;
  status: OrderStatus;
  expiresAt: Date;
  paidAt: Date | null;
  cancelledAt: Date | null;
  stockReleasedAt: Date | null;
  /** the provider payment that paid it; null when unpaid or paid by the synchronous shortcut */
  paymentId: string | null;
}

export interface SeveralLiveOrders {
  userId: string;
  count: number;
}

/** The activity id names no row: a usage error, not a breach (the CLI exits 2). */
export class UnknownActivityError extends Error {
  constructor(readonly activityId: number) {
    super(`activity ${activityId} does not exist`);
  }
}

export async function findActivity(db: DataSource, activityId: number): Promise<ActivityRow> {
  const rows: ActivityRow[] = await activitiesTable.byId(db, activityId);
  if (rows.length === 0) throw new UnknownActivityError(activityId);
  return rows[0];
}

export function findOrders(db: DataSource, activityId: number): Promise<OrderRow[]> {
  return ordersTable.ofActivity(db, activityId);
}

/**
 * Invariant 3 asked of the database itself rather than of the rows in memory: the unique partial index
 * should make this always empty, and the question is whether it really does.
 */
export function findUsersWithSeveralLiveOrders(
  db: DataSource,
  activityId: number,
): Promise<SeveralLiveOrders[]> {
  return ordersTable.severalLive(db, activityId);
}
