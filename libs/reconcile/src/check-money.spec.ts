import { INVARIANT } from './check';
import { evaluateSnapshot } from './check-invariants';
import { PaymentLine, ProviderLine } from './money-queries';
import { OrderRow } from './order-queries';
import { Snapshot } from './snapshot';

// Invariant 7 asked so that it can fail: crafted ledgers and statements, judged without a database.
const now = new Date('2026-01-01T00:00:00Z');
const ids = { paid: '00000000-0000-4000-8000-000000000001', late: '00000000-0000-4000-8000-000000000002' };

const order = (id: string, status: OrderRow['status'], paymentId: string | null = null): OrderRow => ({
  id,
  userId: `user-${id}`,
  quantity: 1,
  status,
  expiresAt: new Date(now.getTime() - 60_000),
  paidAt: status === 'PAID' ? now : null,
  cancelledAt: status === 'CANCELLED' ? now : null,
  stockReleasedAt: status === 'CANCELLED' ? now : null,
  paymentId,
});
const payment = (
  id: string,
  orderId: string,
  status: PaymentLine['status'],
  requestedAgoMs = 60_000,
): PaymentLine => ({
  id,
  orderId,
  amount: 9_900,
  status,
  refundRequestedAt:
    status === 'REFUND_PENDING' || status === 'REFUNDED' ? new Date(now.getTime() - requestedAgoMs) : null,
});
const line = (id: string, reference: string, refunds: number[] = []): ProviderLine => ({
  id,
  reference,
  capturedAmount: 9_900,
  refunds: refunds.map((amount, i) => ({ id: `re_${i}`, amount })),
});
const judge = (payments: PaymentLine[], orders: OrderRow[], lines?: ProviderLine[]) => {
  const empty = { remaining: 8, reservations: new Map() };
  const snapshot: Snapshot = {
    activity: { id: 1, name: 'spec', stock: 10, perUserLimit: 1, rebuilds: 0 },
    before: empty,
    orders,
    usersWithSeveralLiveOrders: [],
    after: empty,
    payments,
    statement: lines ? { lines } : { unavailable: 'not asked' },
  };
  const report = evaluateSnapshot(snapshot, { now });
  return { report, money: report.checks.find((c) => c.name === INVARIANT.money)! };
};

describe('invariant 7, money', () => {
  const consistent = () => ({
    payments: [payment('pay_a', ids.paid, 'CAPTURED'), payment('pay_b', ids.late, 'REFUNDED')],
    orders: [order(ids.paid, 'PAID', 'pay_a'), order(ids.late, 'CANCELLED')],
    lines: [line('pay_a', ids.paid), line('pay_b', ids.late, [9_900])],
  });

  it('when every capture is kept by its PAID order or refunded once in full, then it holds', () => {
    const { payments, orders, lines } = consistent();
    expect(judge(payments, orders, lines).money.ok).toBe(true);
  });

  it('when the provider refunded a payment twice, then it fails naming it', () => {
    const { payments, orders, lines } = consistent();
    lines[1] = line('pay_b', ids.late, [4_900, 5_000]);
    const { money } = judge(payments, orders, lines);
    expect(money.ok).toBe(false);
    expect(money.detail).toContain('1 refunded more than once (e.g. pay_b)');
  });

  it('when an order is PAID by a payment the provider never captured, then it fails', () => {
    const { payments, orders } = consistent();
    const { money } = judge(payments, orders, [line('pay_b', ids.late, [9_900])]);
    expect(money.ok).toBe(false);
    expect(money.detail).toContain(`1 PAID without a capture there (e.g. ${ids.paid})`);
  });

  it('when money was captured for a cancelled order and never given back, then it fails', () => {
    const { orders } = consistent();
    const payments = [payment('pay_a', ids.paid, 'CAPTURED'), payment('pay_b', ids.late, 'CAPTURED')];
    const { money } = judge(payments, orders, [line('pay_a', ids.paid), line('pay_b', ids.late)]);
    expect(money.ok).toBe(false);
    expect(money.detail).toContain('1 captured and attached to no PAID order (e.g. pay_b)');
  });

  it('when a refund was asked for a moment ago, then it is in flight: not quiet, not passed, not a breach', () => {
    const { orders } = consistent();
    const payments = [
      payment('pay_a', ids.paid, 'CAPTURED'),
      payment('pay_b', ids.late, 'REFUND_PENDING', 100),
    ];
    const { report, money } = judge(payments, orders, [line('pay_a', ids.paid), line('pay_b', ids.late)]);
    expect(report.quiet).toBe(false);
    expect(money.ok).toBe(false);
    expect(money.detail).toContain('0 refunds overdue, 1 payments in flight');
  });

  it('when orders were paid by the shortcut, then they are counted apart, not a breach', () => {
    const { money } = judge([], [order(ids.paid, 'PAID')]);
    expect(money.ok).toBe(true);
    expect(money.detail).toContain('1 PAID by the shortcut');
  });

  it('when the shop holds payments and the statement could not be read, then it fails saying so', () => {
    const { payments, orders } = consistent();
    const { money } = judge(payments, orders);
    expect(money.ok).toBe(false);
    expect(money.detail).toContain('provider statement unavailable');
  });
});
