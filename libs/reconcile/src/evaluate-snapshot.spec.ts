import { Reservation, ReservationState } from '@app/stock';
import { INVARIANT } from './check';
import { InvariantReport, evaluateSnapshot } from './check-invariants';
import { OrderRow } from './order-queries';
import { Snapshot } from './snapshot';

// Redis is read before and after PostgreSQL; these specs pin down that a step of the services landing
// between the reads is never mistaken for a breach (the real-database cases are in test/integration).
const now = new Date('2026-01-01T00:00:00Z');
const activity = { id: 1, name: 'spec', stock: 10, perUserLimit: 1, rebuilds: 0 };

const reservation = (orderId: string, state: ReservationState): Reservation => ({
  orderId,
  state,
  userId: `user-${orderId}`,
  quantity: 1,
  reservedAt: now.getTime(),
});
const view = (remaining: number, ...reservations: Reservation[]) => ({
  remaining,
  reservations: new Map(reservations.map((r) => [r.orderId, r])),
});
const order = (id: string, status: OrderRow['status'], released = false): OrderRow => ({
  id,
  userId: `user-${id}`,
  quantity: 1,
  status,
  expiresAt: new Date(now.getTime() + 60_000),
  paidAt: null,
  cancelledAt: status === 'CANCELLED' ? now : null,
  stockReleasedAt: released ? now : null,
  paymentId: null,
});
const snapshot = (s: Pick<Snapshot, 'before' | 'orders' | 'after'>): Snapshot => ({
  activity,
  usersWithSeveralLiveOrders: [],
  payments: [],
  statement: { unavailable: 'not asked' },
  ...s,
});
const failed = (r: InvariantReport) => r.checks.filter((c) => !c.ok).map((c) => c.name);

describe('evaluating a snapshot taken while the services are still working', () => {
  it('when an order row is committed between the reads, then it is in flight, not a phantom', () => {
    const report = evaluateSnapshot(
      snapshot({
        before: view(9, reservation('a', 'T')),
        orders: [order('a', 'PENDING')],
        after: view(9, reservation('a', 'O')),
      }),
      { now },
    );
    expect(failed(report)).toEqual([INVARIANT.conservation]);
    expect(report).toMatchObject({ quiet: false, figures: { redisMoved: true } });
  });

  it('when a cancelled order is released between the reads, then release is not reported as undone', () => {
    const report = evaluateSnapshot(
      snapshot({
        before: view(9, reservation('a', 'O')),
        orders: [order('a', 'CANCELLED', true)],
        after: view(10, reservation('a', 'X')),
      }),
      { now },
    );
    expect(failed(report)).toEqual([INVARIANT.conservation]);
    expect(report.quiet).toBe(false);
  });

  it('when Redis did not move and everything adds up, then it is quiet and every check passes', () => {
    const redis = () => view(9, reservation('a', 'O'), reservation('b', 'X'));
    const report = evaluateSnapshot(
      snapshot({
        before: redis(),
        orders: [order('a', 'PAID'), order('b', 'CANCELLED', true)],
        after: redis(),
      }),
      { now },
    );
    expect(report).toMatchObject({ ok: true, quiet: true });
  });
});
