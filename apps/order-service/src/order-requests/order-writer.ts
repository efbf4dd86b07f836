import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OrderRequestMessage } from '@app/contracts';
import { OrderStatus, queryRows } from '@app/database';

export interface WrittenOrder {
  id: string;
  activityId: number;
  userId: string;
  quantity: number;
  status: OrderStatus;
  expiresAt: Date;
}

/**
 * One multi-row INSERT per batch. `ON CONFLICT DO NOTHING` makes a replayed request (same order id)
 * a no-op; the pay window starts when the row is written, from the activity's pay timeout.
 */
@Injectable()
export class OrderWriter {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** @returns the rows that exist for these ids afterwards (new or written by an earlier delivery). */
  async write(requests: OrderRequestMessage[]): Promise<WrittenOrder[]> {
    if (requests.length === 0) return [];
    const ids = requests.map((r) => r.orderId);
    await this.db.query(
      `INSERT INTO orders (id, activity_id, user_id, quantity, status, created_at, expires_at)
       SELECT r.id, r.activity_id, r.user_id, r.quantity, 'PENDING', now(),
              now() + make_interval(secs => a.pay_timeout_seconds)
       FROM unnest($1::uuid[], $2::int[], $3::varchar[], $4::int[]) AS r(id, activity_id, user_id, quantity)
       JOIN activities a ON a.id = r.activity_id
       ON CONFLICT DO NOTHING`,
      [
        ids,
        requests.map((r) => r.activityId),
        requests.map((r) => r.userId),
        requests.map((r) => r.quantity),
      ],
    );
    const rows = await queryRows<{
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
    return rows.map((r) => ({
      id: r.id,
      activityId: r.activity_id,
      userId: r.user_id,
      quantity: r.quantity,
      status: r.status,
      expiresAt: r.expires_at,
    }));
  }
}
