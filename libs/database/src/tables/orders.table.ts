import { PAST_GRACE, Sql, pastGrace, rowsOf } from '../query-rows';
import { Order, OrderLine, OrderStatus } from './order';

// The orders table: its columns are named here once, each aliased to its field, so a row comes back as an
// Order (or as its OrderLine). Every write is conditional on the status it moves from: whoever's UPDATE
// matches the row wins a race (pay against cancel, two cancellers), the other matches nothing.
const LINE = 'id, activity_id AS "activityId", user_id AS "userId", quantity';
const COLUMNS = `${LINE}, status, created_at AS "createdAt", expires_at AS "expiresAt", paid_at AS "paidAt",
  cancelled_at AS "cancelledAt", stock_released_at AS "stockReleasedAt",
  paid_announced_at AS "paidAnnouncedAt", payment_id AS "paymentId"`;
const CANCELLED = `${LINE}, EXTRACT(EPOCH FROM cancelled_at - expires_at)::float8 AS "latenessSeconds"`;
const PAID_UNANNOUNCED = `status = 'PAID' AND paid_announced_at IS NULL`;
const UNRELEASED = `status = 'CANCELLED' AND stock_released_at IS NULL`;
// The orders the sweepers are for, past their grace (younger ones are still in the hands of their timeout
// message); both are the predicates of partial indexes (orders_release_pending, orders_pending_by_expiry).
const RELEASE_PENDING = `${UNRELEASED} AND cancelled_at ${PAST_GRACE}`;
const OVERDUE = `status = 'PENDING' AND expires_at ${PAST_GRACE}`;

// Admits, in the batch's order, the requests whose running total fits in what the ledger has left:
// stock − live (PENDING + PAID) quantity. Replays (same id) and buyers who already hold a live order are
// left out before the sum; `ON CONFLICT DO NOTHING` makes a replayed request a no-op. Each is left out by a
// correlated subquery, one index probe per request: as NOT EXISTS the planner made it an anti-join, and on
// an activity whose statistics predate its sale, a nested loop over all its live orders for every request.
// On such statistics the planner takes any index that leads with activity_id for the probe: each one on
// `orders` must have user_id second (migration OrdersByActivityBuyer1764720000000).
const INSERT_WITHIN_STOCK = `
  WITH candidate AS (
    SELECT r.id, r.user_id, r.quantity, r.n FROM unnest($2::uuid[], $3::varchar[], $4::int[])
      WITH ORDINALITY AS r(id, user_id, quantity, n)
    WHERE (SELECT 1 FROM orders o WHERE o.id = r.id) IS NULL
      AND (SELECT 1 FROM orders o WHERE o.activity_id = $1 AND o.user_id = r.user_id
                                   AND o.status IN ('PENDING', 'PAID') LIMIT 1) IS NULL
  ), running AS (
    SELECT c.*, sum(c.quantity) OVER (ORDER BY c.n) AS total FROM candidate c
  )
  INSERT INTO orders (id, activity_id, user_id, quantity, status, created_at, expires_at)
  SELECT id, $1, user_id, quantity, 'PENDING', now(), now() + make_interval(secs => $6::int)
    FROM running
   WHERE total <= $5::int
  ON CONFLICT DO NOTHING
  RETURNING ${COLUMNS}`;

/** An order the cancellation has just moved to CANCELLED, and how late (cancelled_at − expires_at). */
export type CancelledOrder = OrderLine & { latenessSeconds: number };
/** What the cancellation needs to know of an order: where it stands and its time left (database clock). */
export type OrderSnapshot = OrderLine & { status: OrderStatus; stockReleased: boolean; remainingMs: number };

export const ordersTable = {
  /**
   * Under the activity's row lock (see order-writer.ts): the requests that fit in what is left of the stock
   * (`available`: the stock less the row's live quantity, read under that lock), as PENDING. Returns the
   * rows it wrote: not those an earlier delivery wrote, nor those it refused.
   */
  async insertWithinStock(
    q: Sql,
    activityId: number,
    requests: OrderLine[],
    available: number,
    payTimeoutSeconds: number,
  ): Promise<Order[]> {
    const columns = [
      requests.map((r) => r.id),
      requests.map((r) => r.userId),
      requests.map((r) => r.quantity),
    ];
    return rowsOf<Order>(q, INSERT_WITHIN_STOCK, [activityId, ...columns, available, payTimeoutSeconds]);
  },

  byIds: (q: Sql, ids: string[]) =>
    rowsOf<Order>(q, `SELECT ${COLUMNS} FROM orders WHERE id = ANY($1::uuid[])`, [ids]),

  /** Only its owner's: to anyone else the order does not exist. */
  owned: (q: Sql, id: string, userId: string) =>
    rowsOf<Order>(q, `SELECT ${COLUMNS} FROM orders WHERE id = $1 AND user_id = $2`, [id, userId]),

  /** The activity's orders, oldest first. */
  ofActivity: (q: Sql, activityId: number) =>
    rowsOf<Order>(q, `SELECT ${COLUMNS} FROM orders WHERE activity_id = $1 ORDER BY created_at`, [
      activityId,
    ]),

  statusOf: (q: Sql, id: string) =>
    rowsOf<{ status: OrderStatus }>(q, 'SELECT status FROM orders WHERE id = $1', [id]),

  /** The synchronous shortcut: PAID at once if still PENDING and not expired (the owner's only). */
  payNow: (q: Sql, id: string, userId: string) =>
    rowsOf<Order>(
      q,
      `UPDATE orders SET status = 'PAID', paid_at = now()
       WHERE id = $1 AND user_id = $2 AND status = 'PENDING' AND expires_at > now()
       RETURNING ${COLUMNS}`,
      [id, userId],
    ),

  /** A captured payment pays its order: the same guard as the shortcut, the payment recorded. */
  payWith: (q: Sql, id: string, paymentId: string) =>
    rowsOf<Order>(
      q,
      `UPDATE orders SET status = 'PAID', paid_at = now(), payment_id = $2
        WHERE id = $1 AND status = 'PENDING' AND expires_at > now()
        RETURNING ${COLUMNS}`,
      [id, paymentId],
    ),

  /** PAID orders whose ORDER_PAID is not known to be out, paid longer than `graceMs` ago. */
  paidUnannounced: (q: Sql, graceMs: number, limit: number) =>
    pastGrace<Order>(q, `SELECT ${COLUMNS} FROM orders`, PAID_UNANNOUNCED, 'paid_at', graceMs, limit),

  async markPaidAnnounced(q: Sql, ids: string[]): Promise<void> {
    await rowsOf(
      q,
      `UPDATE orders SET paid_announced_at = now() WHERE id = ANY($1::uuid[]) AND paid_announced_at IS NULL`,
      [ids],
    );
  },

  /** Those of `ids` still PENDING and expired by the database clock, CANCELLED in one statement. */
  cancelDue: (q: Sql, ids: string[]) =>
    rowsOf<CancelledOrder>(
      q,
      `UPDATE orders SET status = 'CANCELLED', cancelled_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'PENDING' AND expires_at <= now()
        RETURNING ${CANCELLED}`,
      [ids],
    ),

  /**
   * Up to `limit` PENDING orders expired for longer than `graceMs`, CANCELLED. SKIP LOCKED lets several
   * instances sweep without waiting on each other.
   */
  cancelExpired: (q: Sql, graceMs: number, limit: number) =>
    rowsOf<CancelledOrder>(
      q,
      `UPDATE orders SET status = 'CANCELLED', cancelled_at = now()
        WHERE id IN (SELECT id FROM orders
                      WHERE ${OVERDUE}
                      ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
          AND status = 'PENDING'
        RETURNING ${CANCELLED}`,
      [graceMs, limit],
    ),

  /** Cancelled longer than `graceMs` ago, the stock not back yet (the canceller died between the two). */
  unreleased: (q: Sql, graceMs: number, limit: number) =>
    pastGrace<OrderLine>(q, `SELECT ${LINE} FROM orders`, UNRELEASED, 'cancelled_at', graceMs, limit),

  snapshots: (q: Sql, ids: string[]) =>
    rowsOf<OrderSnapshot>(
      q,
      `SELECT ${LINE}, status, stock_released_at IS NOT NULL AS "stockReleased",
              GREATEST(0, EXTRACT(EPOCH FROM expires_at - now()) * 1000)::float8 AS "remainingMs"
         FROM orders WHERE id = ANY($1::uuid[])`,
      [ids],
    ),

  /** Records that the stock of these cancelled orders is back (once). */
  async markReleased(q: Sql, ids: string[]): Promise<void> {
    await rowsOf(
      q,
      `UPDATE orders SET stock_released_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'CANCELLED' AND stock_released_at IS NULL`,
      [ids],
    );
  },

  cancelledAmong: (q: Sql, ids: string[]) =>
    rowsOf<OrderLine>(q, `SELECT ${LINE} FROM orders WHERE id = ANY($1::uuid[]) AND status = 'CANCELLED'`, [
      ids,
    ]),

  /** Invariant 3 asked of the database itself: users with more than one live order of the activity. */
  severalLive: (q: Sql, activityId: number) =>
    rowsOf<{ userId: string; count: number }>(
      q,
      `SELECT user_id AS "userId", count(*)::int AS count
         FROM orders WHERE activity_id = $1 AND status IN ('PENDING', 'PAID')
        GROUP BY user_id HAVING count(*) > 1`,
      [activityId],
    ),

  /** The activity's orders counted by status (a status without orders is absent). */
  countByStatus: (q: Sql, activityId: number) =>
    rowsOf<{ status: OrderStatus; count: string }>(
      q,
      'SELECT status, count(*) AS count FROM orders WHERE activity_id = $1 GROUP BY status',
      [activityId],
    ),

  /** Orders left behind (the sale-watch alerts): cancelled with the stock not back, or PENDING past due. */
  async countStuck(q: Sql, kind: 'releasePending' | 'overdue', graceMs: number): Promise<number> {
    const where = kind === 'releasePending' ? RELEASE_PENDING : OVERDUE;
    const [row] = await rowsOf<{ n: string }>(q, `SELECT count(*) AS n FROM orders WHERE ${where}`, [
      graceMs,
    ]);
    return Number(row.n);
  },
};
