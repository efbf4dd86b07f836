import { RefundReason } from '@app/contracts';

/** The activity's money as the dashboard shows it: what the provider took, what came late, what went back. */
export interface PaymentCounts {
  /** payments whose money the provider captured (kept by a PAID order, or to be refunded) */
  captured: number;
  /** captured after their order was cancelled or its window closed: refunded by the saga */
  late: number;
  /** refunds requested, not confirmed by the provider yet */
  refundPending: number;
  /** refunds the provider confirmed */
  refunded: number;
}

export interface PaymentGroup {
  status: string;
  refund_reason: string | null;
  count: string | number;
}

const LATE: RefundReason = 'ORDER_NOT_PAYABLE';
const CAPTURED = new Set(['CAPTURED', 'REFUND_PENDING', 'REFUNDED']);

/** Counts from the activity's payments grouped by status and refund reason (started or failed ones aside). */
export function paymentCounts(groups: PaymentGroup[]): PaymentCounts {
  const counts: PaymentCounts = { captured: 0, late: 0, refundPending: 0, refunded: 0 };
  for (const g of groups) {
    const n = Number(g.count);
    if (CAPTURED.has(g.status)) counts.captured += n;
    if (CAPTURED.has(g.status) && g.refund_reason === LATE) counts.late += n;
    if (g.status === 'REFUND_PENDING') counts.refundPending += n;
    if (g.status === 'REFUNDED') counts.refunded += n;
  }
  return counts;
}
