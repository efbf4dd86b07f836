import { Purchase, Refusal, refuse } from '@app/contracts';
import { Reservations, ReserveReply, SalesHeldError, StockStore } from '@app/stock';
import { ActivityWindow } from '../risk/activity-windows';
import { RiskChecks } from '../risk/risk-checks';
import { SoldOutFlags } from '../risk/sold-out-flags';
import { AbandonedAttempts } from './abandoned-attempts';
import { OrderRequestRelay } from './order-request.relay';
import { SaleHold } from './sale-hold';
import { SeckillService } from './seckill.service';

const WINDOW: ActivityWindow = { startsAt: 0, endsAt: 10_000 };

/** The purchase's orchestration with fakes at its ports: the risk chain, the script, the relay. */
function purchaseWith(
  screen: Refusal | undefined,
  reserve: () => Promise<ReserveReply>,
  hold = { holding: false },
) {
  const relayed: unknown[] = [];
  const abandoned: Purchase[] = [];
  const soldOut = new SoldOutFlags();
  const service = new SeckillService(
    { reserve } as unknown as Reservations,
    { relay: (request: unknown) => relayed.push(request) } as unknown as OrderRequestRelay,
    {} as StockStore,
    { screen: () => screen } as unknown as RiskChecks,
    soldOut,
    { add: (p: Purchase) => abandoned.push(p) } as unknown as AbandonedAttempts,
    hold as SaleHold,
  );
  const request: Purchase = {
    activityId: 1,
    userId: 'alice',
    ip: '192.0.2.1',
    quantity: 1,
    correlationId: 'c-1',
    now: 1_000,
    orderId: '',
  };
  return {
    service,
    request: (): [Purchase, ActivityWindow] => [{ ...request }, WINDOW],
    relayed,
    abandoned,
    soldOut,
  };
}
const outcome = (over: Partial<ReserveReply>): ReserveReply => ({
  code: 'OK',
  orderId: '',
  remaining: 5,
  retryAfterMs: 0,
  ...over,
});

describe('a purchase, orchestrated', () => {
  it('when the script reserves, then the answer is QUEUED at once and the order request goes to the relay', async () => {
    const { service, request, relayed } = purchaseWith(undefined, async () => outcome({}));
    const answer = await service.purchase(...request());
    expect(answer).toMatchObject({ kind: 'queued' });
    expect(relayed).toEqual([
      expect.objectContaining({ orderId: answer.kind === 'queued' && answer.orderId, userId: 'alice' }),
    ]);
  });

  it('when the sales are held (Redis may be behind the ledger), then the answer is 503 and the script is not called', async () => {
    let called = 0;
    const { service, request, relayed, abandoned } = purchaseWith(
      undefined,
      async () => (called++, outcome({})),
      { holding: true },
    );
    expect(await service.purchase(...request())).toEqual({ kind: 'unavailable' });
    expect({ called, relayed, abandoned }).toEqual({ called: 0, relayed: [], abandoned: [] });
  });

  it('when the sales were held while the reservation waited, then the answer is 503 and nothing is abandoned', async () => {
    const { service, request, relayed, abandoned } = purchaseWith(undefined, () =>
      Promise.reject(new SalesHeldError('held')),
    );
    expect(await service.purchase(...request())).toEqual({ kind: 'unavailable' });
    expect({ relayed, abandoned }).toEqual({ relayed: [], abandoned: [] });
  });

  it('when the risk chain refuses, then the script is not called', async () => {
    const reserve = jest.fn();
    const { service, request } = purchaseWith(refuse('BLOCKED_USER', 'memory'), reserve);
    await expect(service.purchase(...request())).resolves.toMatchObject({ kind: 'refused' });
    expect(reserve).not.toHaveBeenCalled();
  });

  it('when the script fails (its reply lost), then 503, nothing relayed, and the attempt is abandoned', async () => {
    const { service, request, relayed, abandoned } = purchaseWith(undefined, () =>
      Promise.reject(new Error('Command timed out')),
    );
    await expect(service.purchase(...request())).resolves.toEqual({ kind: 'unavailable' });
    expect(relayed).toEqual([]);
    expect(abandoned).toEqual([expect.objectContaining({ activityId: 1, userId: 'alice', now: 1_000 })]);
  });

  it('when the script answers DUPLICATE, then QUEUED with the first attempt’s order and nothing relayed again', async () => {
    const { service, request, relayed } = purchaseWith(undefined, async () =>
      outcome({ code: 'DUPLICATE', orderId: 'first', remaining: -1 }),
    );
    await expect(service.purchase(...request())).resolves.toEqual({ kind: 'queued', orderId: 'first' });
    expect(relayed).toEqual([]);
  });

  it('when the script says SOLD_OUT with 0 left, then the refusal is a value and the sold-out flag is set', async () => {
    const { service, request, soldOut } = purchaseWith(undefined, async () =>
      outcome({ code: 'SOLD_OUT', remaining: 0 }),
    );
    await expect(service.purchase(...request())).resolves.toEqual({
      kind: 'refused',
      refusal: expect.objectContaining({ reason: 'SOLD_OUT', decidedBy: 'redis' }),
    });
    expect(soldOut.isSoldOut(1)).toBe(true);
  });
});

describe('a reservation script code nobody mapped', () => {
  it('when the script answers a code the table does not know, then the purchase fails loudly (never NOT_FOUND)', async () => {
    const { service, request, relayed, abandoned } = purchaseWith(undefined, async () =>
      outcome({ code: 'SOMETHING_NEW' as ReserveReply['code'], remaining: -1 }),
    );
    await expect(service.purchase(...request())).rejects.toThrow(/SOMETHING_NEW/);
    expect(relayed).toEqual([]);
    expect(abandoned).toEqual([expect.objectContaining({ activityId: 1, userId: 'alice' })]);
  });
});
