import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import { OrderRequestMessage } from '@app/contracts';
import { OrderLine, OrderStatus, queryRows } from '@app/database';
import { abandonedAmong } from '@app/stock';

export interface WrittenOrder extends OrderLine {
  status: OrderStatus;
  expiresAt: Date;
}

/** Under the activity's lock, after a rebuild: which of these requests Redis still holds as taken. */
export type StillTaken = (requests: OrderRequestMessage[]) => Promise<OrderRequestMessage[]>;

interface LockedActivity {
  stock: number;
  payTimeoutSeconds: number;
  rebuilds: number;
}

// Admits, in the batch's order, the requests whose running total fits in what the ledger has left:
// stock − live (PENDING + PAID) quantity. Replays (same id) and buyers who already hold a live order are
// left out before the sum; `ON CONFLICT DO NOTHING` makes a replayed request a no-op.
const INSERT_WITHIN_STOCK = `
  WITH candidate AS (
    SELECT r.id, r.user_id, r.quantity, r.n FROM unnest($2::uuid[], $3::varchar[], $4::int[])
      WITH ORDINALITY AS r(id, user_id, quantity, n)
    WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = r.id)
      AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.activity_id = $1 AND o.user_id = r.user_id
                                               AND o.status IN ('PENDING', 'PAID'))
  ), running AS (
    SELECT c.*, sum(c.quantity) OVER (ORDER BY c.n) AS total FROM candidate c
  )
  INSERT INTO orders (id, activity_id, user_id, quantity, status, created_at, expires_at)
  SELECT id, $1, user_id, quantity, 'PENDING', now(), now() + make_interval(secs => $6::int)
    FROM running
   WHERE total <= $5::int - (SELECT coalesce(sum(quantity), 0) FROM orders
                              WHERE activity_id = $1 AND status IN ('PENDING', 'PAID'))
  ON CONFLICT DO NOTHING`;

/**
 * Writes one activity's slice of a batch in one transaction, checked against the ledger: the activity
 * row is locked (FOR UPDATE: order writes of one activity, and its rebuild, take turns), then one
 * conditional multi-row INSERT admits what fits in the stock. Two statements per activity per batch,
 * whatever the batch size. The lock comes first, in its own statement, so that the INSERT's snapshot
 * sees every order committed before it (READ COMMITTED takes one snapshot per statement).
 */
@Injectable()
export class OrderWriter {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * @param takenUnder the rebuild count the reservations were taken under (see take.lua)
   * @returns the rows that exist for these ids afterwards (new or written by an earlier delivery);
   *   a request without a row was refused by the ledger.
   */
  async write(
    activityId: number,
    requests: OrderRequestMessage[],
    takenUnder: number,
    stillTaken: StillTaken,
  ): Promise<WrittenOrder[]> {
    if (requests.length === 0) return [];
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const [activity] = await rows<LockedActivity>(
        runner,
        `SELECT stock, pay_timeout_seconds AS "payTimeoutSeconds", rebuilds FROM activities
          WHERE id = $1 FOR UPDATE`,
        [activityId],
      );
      // Rebuilt since the take: only what the rebuilt Redis still holds may become an order.
      const admissible = activity && activity.rebuilds !== takenUnder ? await stillTaken(requests) : requests;
      if (activity && admissible.length > 0) {
        await runner.query(INSERT_WITHIN_STOCK, [
          activityId,
          admissible.map((r) => r.orderId),
          admissible.map((r) => r.userId),
          admissible.map((r) => r.quantity),
          activity.stock,
          activity.payTimeoutSeconds,
        ]);
      }
      await runner.commitTransaction();
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
    return this.existing(requests.map((r) => r.orderId));
  }

  /** Which of these requests' attempts a gateway answered 503 and recorded as abandoned. */
  abandoned(requests: OrderRequestMessage[]): Promise<Set<string>> {
    return abandonedAmong(
      this.db,
      requests.map((r) => r.orderId),
    );
  }

  private async existing(ids: string[]): Promise<WrittenOrder[]> {
    const found = await queryRows<{
      id: string;
      activity_id: number;
      user_id: string;
      quantity: number;
      status: OrderStatus;
      expires_at: Date;
    }>(
      this.db,
      'SELECT id, activity_id, user_id, quantity, status, expires_at FROM orders WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return found.map((r) => ({
      id: r.id,
      activityId: r.activity_id,
      userId: r.user_id,
      quantity: r.quantity,
      status: r.status,
      expiresAt: r.expires_at,
    }));
  }
}

async function rows<T>(runner: QueryRunner, sql: string, params: unknown[]): Promise<T[]> {
  return (await runner.query(sql, params, true)).records as T[];
}
