import { StockStore } from '@app/stock';
import { Refusal, refuse } from '../purchase-core/refusal';
import { RiskChecks } from '../risk/risk-checks';
import { SoldOutFlags } from '../risk/sold-out-flags';
import { AbandonedAttempts, Attempt } from './abandoned-attempts';
import { OrderRequestRelay } from './order-request.relay';
import { ReservationScript, ReserveOutcome } from './reservation.script';
import { PurchaseRequest, SeckillService } from './seckill.service';
import { ShardedReservation } from './sharded-reservation';

/** The purchase's orchestration with fakes at its ports: the risk chain, the script, the relay. */
function purchaseWith(
  screen: Refusal | undefined | Promise<Refusal | undefined>,
  reserve: () => Promise<ReserveOutcome>,
) {
  const relayed: unknown[] = [];
  const abandoned: Attempt[] = [];
  const soldOut = new SoldOutFlags();
  const service = new SeckillService(
    { reserve } as unknown as ReservationScript,
    { shardsOf: () => undefined } as unknown as ShardedReservation,
    { relay: (request: unknown) => relayed.push(request) } as unknown as OrderRequestRelay,
    {} as StockStore,
    { screen: () => screen } as unknown as RiskChecks,
    soldOut,
    { add: (a: Attempt) => abandoned.push(a) } as unknown as AbandonedAttempts,
    { now: () => 1_000 },
  );
  const request: PurchaseRequest = {
    activityId: 1,
    userId: 'alice',
    ip: '192.0.2.1',
    quantity: 1,
    correlationId: 'c-1',
  };
  return { service, request, relayed, abandoned, soldOut };
}
const outcome = (over: Partial<ReserveOutcome>): ReserveOutcome => ({
  code: 'OK',
  orderId: '',
  remaining: 5,
  retryAfterMs: 0,
  ...over,
});

describe('a purchase, orchestrated', () => {
  it('when the script reserves, then the answer is QUEUED at once and the order request goes to the relay', async () => {
    const { service, request, relayed } = purchaseWith(undefined, async () => outcome({}));
    const answer = await service.purchase(request);
    expect(answer).toMatchObject({ kind: 'queued' });
    expect(relayed).toEqual([
      expect.objectContaining({ orderId: answer.kind === 'queued' && answer.orderId, userId: 'alice' }),
    ]);
  });

  it('when the risk chain refuses, then the script is not called', async () => {
    const reserve = jest.fn();
    const { service, request } = purchaseWith(refuse('BLOCKED_USER', 'memory'), reserve);
    await expect(service.purchase(request)).resolves.toMatchObject({ kind: 'refused' });
    expect(reserve).not.toHaveBeenCalled();
  });

  it('when the sale window cannot be read, then 503 and nothing is attempted', async () => {
    const reserve = jest.fn();
    const { service, request, abandoned } = purchaseWith(Promise.reject(new Error('down')), reserve);
    await expect(service.purchase(request)).resolves.toEqual({ kind: 'unavailable' });
    expect(reserve).not.toHaveBeenCalled();
    expect(abandoned).toEqual([]);
  });

  it('when the script fails (its reply lost), then 503, nothing relayed, and the attempt is abandoned', async () => {
    const { service, request, relayed, abandoned } = purchaseWith(undefined, () =>
      Promise.reject(new Error('Command timed out')),
    );
    await expect(service.purchase(request)).resolves.toEqual({ kind: 'unavailable' });
    expect(relayed).toEqual([]);
    expect(abandoned).toEqual([expect.objectContaining({ activityId: 1, userId: 'alice', at: 1_000 })]);
  });

  it('when the script answers DUPLICATE, then QUEUED with the first attempt’s order and nothing relayed again', async () => {
    const { service, request, relayed } = purchaseWith(undefined, async () =>
      outcome({ code: 'DUPLICATE', orderId: 'first', remaining: -1 }),
    );
    await expect(service.purchase(request)).resolves.toEqual({ kind: 'queued', orderId: 'first' });
    expect(relayed).toEqual([]);
  });

  it('when the script says SOLD_OUT with 0 left, then the refusal is a value and the sold-out flag is set', async () => {
    const { service, request, soldOut } = purchaseWith(undefined, async () =>
      outcome({ code: 'SOLD_OUT', remaining: 0 }),
    );
    await expect(service.purchase(request)).resolves.toEqual({
      kind: 'refused',
      refusal: expect.objectContaining({ reason: 'SOLD_OUT', decidedBy: 'redis' }),
    });
    expect(soldOut.isSoldOut(1)).toBe(true);
  });
});
