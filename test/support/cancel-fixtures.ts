import { Admin, Message, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OrderTimeoutMessage, timeoutTopic } from '@app/contracts';
import { OrderStatus } from '@app/database';
import type { RedisClient } from '@app/redis';
import { stockKeys } from '@app/stock';
import { MessagePosition, committedPast } from './topic-recorder';

export interface OrderFixture {
  id: string;
  activityId: number;
  userId: string;
  quantity: number;
  expiresAt: number;
}

export interface OrderRow {
  status: OrderStatus;
  expiresAt: Date;
  cancelledAt: Date | null;
  stockReleasedAt: Date | null;
}

/**
 * Orders as the order-service would have left them, written straight into PostgreSQL and Redis
 * (activity row, remaining stock, the order's reservation), plus cleanup of everything created.
 */
export class CancelFixtures {
  readonly activityIds: number[] = [];

  constructor(
    private readonly db: DataSource,
    private readonly redis: RedisClient,
  ) {}

  async activity(stock: number): Promise<number> {
    const [{ id }] = await this.db.query(
      `INSERT INTO activities (name, stock, starts_at, ends_at, per_user_limit, pay_timeout_seconds)
       VALUES ('cancel-service test', $1, now() - interval '1 hour', now() + interval '1 hour', 1, 60)
       RETURNING id`,
      [stock],
    );
    this.activityIds.push(id);
    await this.redis.set(stockKeys(id).stock, stock);
    return id;
  }

  /** An order whose `quantity` is reserved ('O') in Redis and taken off the remaining stock. */
  async order(
    activityId: number,
    opts: { expiresAt: number; status?: OrderStatus; cancelledAt?: number; quantity?: number },
  ): Promise<OrderFixture> {
    const order = {
      id: randomUUID(),
      activityId,
      userId: `buyer-${randomUUID().slice(0, 8)}`,
      quantity: opts.quantity ?? 1,
      expiresAt: opts.expiresAt,
    };
    const status = opts.status ?? 'PENDING';
    await this.db.query(
      `INSERT INTO orders (id, activity_id, user_id, quantity, status, created_at, expires_at, paid_at, cancelled_at)
       VALUES ($1, $2, $3, $4, $5::varchar, now(), to_timestamp($6 / 1000.0),
               CASE WHEN $5::varchar = 'PAID' THEN now() END, to_timestamp($7 / 1000.0))`,
      [order.id, activityId, order.userId, order.quantity, status, order.expiresAt, opts.cancelledAt ?? null],
    );
    const keys = stockKeys(activityId);
    await this.redis.decrby(keys.stock, order.quantity);
    await this.redis.hset(keys.reservations, order.id, `O|${order.userId}|${order.quantity}|${Date.now()}`);
    return order;
  }

  async row(orderId: string): Promise<OrderRow> {
    const [row] = await this.db.query(
      `SELECT status, expires_at AS "expiresAt", cancelled_at AS "cancelledAt",
              stock_released_at AS "stockReleasedAt" FROM orders WHERE id = $1`,
      [orderId],
    );
    return row;
  }

  async remaining(activityId: number): Promise<number> {
    return Number(await this.redis.get(stockKeys(activityId).stock));
  }

  async reservationState(order: OrderFixture): Promise<string | undefined> {
    return (await this.redis.hget(stockKeys(order.activityId).reservations, order.id))?.split('|')[0];
  }

  async cleanup(): Promise<void> {
    if (this.activityIds.length === 0) return;
    await this.db.query('DELETE FROM orders WHERE activity_id = ANY($1)', [this.activityIds]);
    await this.db.query('DELETE FROM activities WHERE id = ANY($1)', [this.activityIds]);
    for (const id of this.activityIds) await this.redis.del(...Object.values(stockKeys(id)));
  }
}

/** Produces a timeout message as the order-service does; returns where it landed. */
export async function produceTimeout(
  producer: Producer,
  levelSeconds: number,
  order: OrderFixture,
  extra: Partial<Message> & { dueAt?: number } = {},
): Promise<MessagePosition> {
  const { dueAt = order.expiresAt, ...message } = extra;
  const timeout: OrderTimeoutMessage = { orderId: order.id, activityId: order.activityId, dueAt };
  const topic = timeoutTopic(levelSeconds);
  const [meta] = await producer.send({
    topic,
    acks: -1,
    messages: [{ key: order.id, value: JSON.stringify(timeout), ...message }],
  });
  return { topic, partition: meta.partition, offset: meta.baseOffset ?? '0' };
}

/** Waits until the cancel-service's group has committed past `at`: its work for it is done. */
export const processedByCancelService = (admin: Admin, at: MessagePosition) =>
  committedPast(admin, 'cancel-service', at);
