import { DataSource } from 'typeorm';
import { PaymentLine, paymentsTable } from '@app/database';

export type { PaymentLine };

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
  return paymentsTable.ofActivity(db, activityId);
}
