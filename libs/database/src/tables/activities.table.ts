import { Sql, rowsOf } from '../query-rows';
import { Activity, NewActivity } from './activity';

// The activities table: its columns are named here once, each aliased to its field. Its row is also the
// lock that order writes and rebuilds of one activity take turns on (FOR UPDATE, or the rebuild's UPDATE).
const COLUMNS = `id, name, stock, starts_at AS "startsAt", ends_at AS "endsAt", per_user_limit AS "perUserLimit",
  pay_timeout_seconds AS "payTimeoutSeconds", rebuilds, purchase_token AS "purchaseToken",
  challenge_bits AS "challengeBits", stock_shards AS "stockShards", waiting_room AS "waitingRoom",
  created_at AS "createdAt", updated_at AS "updatedAt"`;
/** What its PENDING and PAID orders hold (`a`: the activities row), as the triggers on orders keep it. */
const LIVE_QUANTITY = `a.live_added - coalesce((SELECT quantity FROM activity_live_removed r
                                                  WHERE r.activity_id = a.id), 0)`;
/** Its sale or its pay window not over yet. */
const OPEN = 'ends_at + make_interval(secs => pay_timeout_seconds) > now()';
/**
 * The same, read through the index on ends_at (activities_by_end) rather than the whole history: a pay
 * window is at most a day (CreateActivityDto), so an open activity ended less than a day ago.
 */
const OPEN_BY_END = `ends_at > now() - interval '1 day' AND ${OPEN}`;

/** An activity whose sale or pay window is not over. */
export interface OpenActivity {
  id: number;
  /** its stock shards (1: unsharded) */
  shards: number;
}

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

  /**
   * Locks the row until the transaction ends (order writes and rebuilds of the activity take turns), with
   * its live quantity: the sum of its PENDING and PAID orders, kept by triggers on orders (migration
   * 1764690000000), so that the ledger's check costs the same at the activity's first order and its last.
   * A cancellation committed after this read counts at the next batch (never an oversell: it frees stock).
   */
  lock: (q: Sql, id: number) =>
    rowsOf<Pick<Activity, 'stock' | 'payTimeoutSeconds' | 'rebuilds'> & { liveQuantity: number }>(
      q,
      `SELECT stock, pay_timeout_seconds AS "payTimeoutSeconds", rebuilds, ${LIVE_QUANTITY} AS "liveQuantity"
         FROM activities a WHERE id = $1 FOR UPDATE`,
      [id],
    ),

  /** Counts a rebuild of an open activity (locking its row): the activity as the rebuild writes it back. */
  countRebuild: (q: Sql, id: number) =>
    rowsOf<Activity>(
      q,
      `UPDATE activities SET rebuilds = rebuilds + 1 WHERE id = $1 AND ${OPEN} RETURNING ${COLUMNS}`,
      [id],
    ),

  /**
   * Activities whose sale or pay window is not over, with their stock shards: the sales under way first
   * (`selling`), the latest started first, so that a rebuild of all of them (a Redis restart) reaches the
   * live sale early.
   */
  open: (q: Sql) =>
    rowsOf<OpenActivity & { selling: boolean }>(
      q,
      `SELECT id, stock_shards AS shards, (starts_at <= now() AND ends_at > now()) AS selling
         FROM activities WHERE ${OPEN_BY_END} ORDER BY selling DESC, starts_at DESC, id DESC`,
    ),

  /** The next `limit` open activities after id `after` (a backstop's turn over them). */
  openAfter: (q: Sql, after: number, limit: number) =>
    rowsOf<OpenActivity>(
      q,
      `SELECT id, stock_shards AS shards FROM activities WHERE ${OPEN_BY_END} AND id > $1 ORDER BY id LIMIT $2`,
      [after, limit],
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
   * Retention's visits (the gateway's): an activity is due when it finishes (its pay window over) and again
   * when its keys expire, `retentionSeconds` later — the visits due after `since` (by due time, then id: a
   * batch may end among visits due at the same instant) and by `at`, earliest first; a first run (no
   * `since`) looks back a retention and `lookBackSeconds`. Follows the due times, not the catalogue.
   */
  dueForRetention: (
    q: Sql,
    v: {
      retentionSeconds: number;
      since: { due: Date; id: number } | null;
      at: Date;
      lookBackSeconds: number;
      limit: number;
    },
  ) =>
    rowsOf<{ id: number; shards: number; expires: string; due: Date }>(
      q,
      `SELECT id, stock_shards AS shards, extract(epoch FROM finish)::bigint + $1::int AS expires, due
         FROM (SELECT id, stock_shards, ends_at + pay_timeout_seconds * interval '1 second' AS finish
                 FROM activities) a
         CROSS JOIN LATERAL (VALUES (finish), (finish + $1::int * interval '1 second')) AS d(due)
        WHERE (due, id) > (coalesce($2::timestamptz, $3::timestamptz - ($1::int + $4::int) * interval '1 second'),
                           coalesce($6::int, 0))
          AND due <= $3::timestamptz
        ORDER BY due, id LIMIT $5`,
      [v.retentionSeconds, v.since?.due ?? null, v.at, v.lookBackSeconds, v.limit, v.since?.id ?? null],
    ),
};
