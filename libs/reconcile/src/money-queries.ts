import { DataSource } from 'typeorm';

/** One payment the shop recorded for an order of the activity (payments joined to orders). */
export interface PaymentLine {
  id: string;
  orderId: string;
  amount: number;
  status: 'CREATED' | 'CAPTURED' | 'FAILED' | 'REFUND_PENDING' | 'REFUNDED';
  refundRequestedAt: Date | null;
}

/**
 * One payment as the provider's statement has it (the provider's word, not the shop's): what it
 * captured and each refund it made. The reconcile CLI reads it from the provider (GET /v1/statement).
 */
export interface ProviderLine {
  id: string;
  reference: string;
  capturedAmount: number;
  refunds: { id: string; amount: number }[];
}

/** Where the provider's statement comes from; undefined when it could not be read (and why). */
export type StatementSource = () => Promise<{ lines?: ProviderLine[]; unavailable?: string }>;

export function findPayments(db: DataSource, activityId: number): Promise<PaymentLine[]> {
  return db.query(
    `SELECT p.id, p.order_id AS "orderId", p.amount, p.status, p.refund_requested_at AS "refundRequestedAt"
       FROM payments p JOIN orders o ON p.order_id = o.id::text
      WHERE o.activity_id = $1`,
    [activityId],
  );
}
