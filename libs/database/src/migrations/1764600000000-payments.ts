import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shop's side of payments at the provider:
 * - `payments`: one row per provider payment (its id is the provider's), the order it is for (the
 *   provider's reference, kept as text: a callback may name an order that does not exist), and where it
 *   stands in the saga: CREATED → CAPTURED (attached to the PAID order) or FAILED, or captured for an
 *   order that could not take it → REFUND_PENDING → REFUNDED;
 * - `payment_events`: every callback applied, by the provider's event id (a redelivery is a no-op);
 * - `orders.payment_id`: the payment that paid the order (NULL for the synchronous shortcut).
 */
export class Payments1764600000000 implements MigrationInterface {
  name = 'Payments1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE payments (
      id varchar(100) PRIMARY KEY,
      order_id varchar(200) NOT NULL,
      amount integer NOT NULL CHECK (amount > 0),
      currency char(3) NOT NULL,
      status varchar(20) NOT NULL
        CHECK (status IN ('CREATED', 'CAPTURED', 'FAILED', 'REFUND_PENDING', 'REFUNDED')),
      refund_reason varchar(40),
      created_at timestamptz NOT NULL DEFAULT now(),
      captured_at timestamptz,
      refund_requested_at timestamptz,
      refund_command_sent_at timestamptz,
      refund_attempts integer NOT NULL DEFAULT 0,
      refund_id varchar(100),
      refunded_at timestamptz
    )`);
    await q.query('CREATE INDEX payments_by_order ON payments (order_id)');
    await q.query(`CREATE INDEX payments_refund_pending ON payments (refund_command_sent_at)
      WHERE status = 'REFUND_PENDING'`);
    await q.query(`CREATE TABLE payment_events (
      id varchar(100) PRIMARY KEY,
      payment_id varchar(100) NOT NULL,
      type varchar(40) NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('ALTER TABLE orders ADD COLUMN payment_id varchar(100)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders DROP COLUMN payment_id');
    await q.query('DROP TABLE payment_events');
    await q.query('DROP TABLE payments');
  }
}
