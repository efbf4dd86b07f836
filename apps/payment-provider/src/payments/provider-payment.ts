import { StatementPayment } from '@app/contracts';

export type PaymentStatus = StatementPayment['status'];

/** One payment as the provider holds it. */
export interface ProviderPayment {
  id: string;
  reference: string;
  amount: number;
  currency: string;
  capture: 'automatic' | 'manual';
  status: PaymentStatus;
  clientSecret: string;
  callbackUrl: string;
  description: string;
  createdAt: number;
  capturedAmount: number;
  refunds: { id: string; amount: number; createdAt: number }[];
}

export interface PaymentView {
  id: string;
  reference: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  capture: 'automatic' | 'manual';
  capturedAmount: number;
  refundedAmount: number;
  clientSecret: string;
  /** where the buyer completes it (a page at a real provider; here the call the page would make) */
  completeUrl: string;
  createdAt: number;
}

export const refundedAmount = (p: ProviderPayment): number => p.refunds.reduce((sum, r) => sum + r.amount, 0);

/** The fields a payment shows every reader: its API's view and the statement alike. */
const shared = (p: ProviderPayment) => ({
  id: p.id,
  reference: p.reference,
  amount: p.amount,
  currency: p.currency,
  status: p.status,
  capturedAmount: p.capturedAmount,
});

export function toPaymentView(p: ProviderPayment, baseUrl: string): PaymentView {
  return {
    ...shared(p),
    capture: p.capture,
    refundedAmount: refundedAmount(p),
    clientSecret: p.clientSecret,
    completeUrl: `${baseUrl}/v1/payments/${p.id}/complete`,
    createdAt: p.createdAt,
  };
}

export function toStatementPayment(p: ProviderPayment): StatementPayment {
  return { ...shared(p), refunds: p.refunds.map((r) => ({ ...r })) };
}
