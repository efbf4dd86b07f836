import { Sql, rowsOf } from '../query-rows';
import { Activity, NewActivity } from './activity';

// The activities table: its columns are named here once, each aliased to its field. Its row is also the
// lock that order writes and rebuilds of one activity take turns on (FOR UPDATE, or the rebuild's UPDATE).
const COLUMNS = `id, name, stock, starts_at AS "startsAt", ends_at AS "endsAt", per_user_limit AS "perUserLimit",
  pay_timeout_seconds AS "payTimeoutSeconds", rebuilds, purchase_token AS "purchaseToken",
  challenge_bits AS "challengeBits", stock_shards AS "stockShards", waiting_room AS "waitingRoom",
  created_at AS "createdAt", updated_at AS "updatedAt"`;
/** Its sale or its pay window not over yet. */
const OPEN = 'ends_at + make_interval(secs => pay_timeout_seconds) > now()';

export const activitiesTable = {
  async insert(q: Sql, a: NewActivity): Promise<Activity> {
    const [created] = await rowsOf<Activity>(
      q,
      `INSERT INTO activities (name, stock, starts_at, ends_at, per_user_limit, pay_timeout_seconds,
                               purchase_token, challenge_bits, stock_shards, waiting_room)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [
        ...[a.name, a.stock, a.startsAt, a.endsAt, a.perUserLimit, a.payTimeoutSeconds],
        ...[a.purchaseToken ?? false, a.challengeBits ?? 0, a.stockShards ?? 1],
        a.waitingRoom ? JSON.stringify(a.waitingRoom) : null,
      ],
    );
    return created;
  },

  byId: (q: Sql, id: number) => rowsOf<Activity>(q, `SELECT ${COLUMNS} FROM activities WHERE id = $1`, [id]),

  /** The one asked for, else the most recent. */
  byIdOrLatest: (q: Sql, id?: number) =>
    id
      ? rowsOf<Activity>(q, `SELECT ${COLUMNS} FROM activities WHERE id = $1`, [id])
      : rowsOf<Activity>(q, `SELECT ${COLUMNS} FROM activities ORDER BY id DESC LIMIT 1`),

  /**
   * An admin's top-up and/or end now, in one UPDATE: the stock only grows (and never on a sharded
   * activity); ending moves endsAt to now and, for a sale not started yet, startsAt just before it.
   * @returns no row when the update is refused (or the activity does not exist)
   */
  update: (q: Sql, id: number, stock: number | null, endNow: boolean) =>
    rowsOf<Pick<Activity, 'stock' | 'stockShards' | 'startsAt' | 'endsAt'>>(
      q,
      `UPDATE activities SET
         stock = COALESCE($2::integer, stock),
         ends_at = CASE WHEN $3 THEN LEAST(ends_at, now()) ELSE ends_at END,
         starts_at = CASE WHEN $3 THEN LEAST(starts_at, LEAST(ends_at, now()) - interval '1 millisecond')
                     ELSE starts_at END,
         updated_at = now()
       WHERE id = $1 AND ($2::integer IS NULL OR $2::integer >= stock)
         AND ($2::integer IS NULL OR $2::integer = stock OR stock_shards = 1)
       RETURNING stock, stock_shards AS "stockShards", starts_at AS "startsAt", ends_at AS "endsAt"`,
      [id, stock, endNow],
    ),

  /** Locks the row until the transaction ends (order writes and rebuilds of the activity take turns). */
  lock: (q: Sql, id: number) =>
    rowsOf<Pick<Activity, 'stock' | 'payTimeoutSeconds' | 'rebuilds'>>(
      q,
      `SELECT stock, pay_timeout_seconds AS "payTimeoutSeconds", rebuilds FROM activities WHERE id = $1 FOR UPDATE`,
      [id],
    ),

  /** Counts a rebuild of an open activity (locking its row): the activity as the rebuild writes it back. */
  countRebuild: (q: Sql, id: number) =>
    rowsOf<Activity>(
      q,
      `UPDATE activities SET rebuilds = rebuilds + 1 WHERE id = $1 AND ${OPEN} RETURNING ${COLUMNS}`,
      [id],
    ),

  /** Activities whose sale or pay window is not over, with their stock shards. */
  open: (q: Sql) =>
    rowsOf<{ id: number; shards: number }>(
      q,
      `SELECT id, stock_shards AS shards FROM activities WHERE ${OPEN} ORDER BY id`,
    ),

  /** Its pay window over: nothing of it can change any more. */
  async isSettled(q: Sql, id: number): Promise<boolean> {
    const [row] = await rowsOf<{ settled: boolean }>(
      q,
      `SELECT ends_at + pay_timeout_seconds * interval '1 second' < now() AS settled FROM activities WHERE id = $1`,
      [id],
    );
    return row?.settled === true;
  },

  /** Open ones, and the latest whatever its state: at most `limit`, newest first. */
  openOrLatest: (q: Sql, limit: number) =>
    rowsOf<{ id: number }>(
      q,
      `SELECT id FROM activities WHERE ${OPEN} OR id = (SELECT max(id) FROM activities) ORDER BY id DESC LIMIT $1`,
      [limit],
    ),

  /** Those whose sale is on (or a minute from its start or end), newest first. */
  onSale: (q: Sql, limit: number) =>
    rowsOf<{ id: number }>(
      q,
      `SELECT id FROM activities
        WHERE starts_at <= now() + interval '1 minute' AND ends_at >= now() - interval '1 minute'
        ORDER BY id DESC LIMIT $1`,
      [limit],
    ),

  /**
   * Finished ones (pay window over) not yet past their retention by a day, oldest first, with the time
   * (epoch seconds) their Redis keys may expire: the end of the pay window plus `retentionSeconds`.
   */
  retirable: (q: Sql, retentionSeconds: number, limit: number) =>
    rowsOf<{ id: number; expires: string; shards: number }>(
      q,
      `SELECT id, stock_shards AS shards, extract(epoch FROM ends_at)::bigint + pay_timeout_seconds + $1 AS expires
         FROM activities
        WHERE ends_at + pay_timeout_seconds * interval '1 second' < now()
          AND ends_at + (pay_timeout_seconds + $1 + 86400) * interval '1 second' > now()
        ORDER BY ends_at LIMIT $2`,
      [retentionSeconds, limit],
    ),
};
