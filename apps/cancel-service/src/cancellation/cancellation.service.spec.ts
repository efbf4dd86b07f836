import { Logger } from '@nestjs/common';
import { OrderStatus } from '@app/database';
import { StockStore } from '@app/stock';
import {
  CancellationRepository,
  CancellationService,
  CancelledOrder,
  OrderSnapshot,
  SWEEP_LIMIT,
} from './cancellation.service';
import { CancellationEventsPublisher } from './cancellation-events.publisher';

type Row = Omit<OrderSnapshot, 'id' | 'activityId' | 'userId' | 'quantity'> & { activityId?: number };

/**
 * The cancellation with fakes at its ports: orders as the database holds them (`cancelDue` wins for the
 * PENDING ones past expiry, as the conditional UPDATE does), a stock store and an event publisher that
 * record what they were asked, in one log so that the order of the steps shows.
 */
function cancellation(rows: Record<string, Row>) {
  const log: string[] = [];
  const snapshot = (id: string): OrderSnapshot => ({
    id,
    activityId: rows[id].activityId ?? 1,
    userId: `buyer-${id}`,
    quantity: 1,
    ...rows[id],
  });
  const cancelledNow = (id: string): CancelledOrder => ({ ...snapshot(id), latenessSeconds: 0.5 });
  const orders = {
    cancelDue: jest.fn(async (ids: string[]) => {
      const due = ids.filter((id) => rows[id]?.status === 'PENDING' && rows[id].remainingMs === 0);
      for (const id of due) rows[id].status = 'CANCELLED';
      return due.map(cancelledNow);
    }),
    findMany: async (ids: string[]) => ids.filter((id) => rows[id]).map(snapshot),
    cancelExpired: jest.fn(async (_graceMs: number, _limit: number) => [cancelledNow('late')]),
    findUnreleased: jest.fn(async (_graceMs: number, _limit: number) => [snapshot('half-done')]),
    markReleased: jest.fn(async (ids: string[]) => void log.push(`marked ${ids.join(',')}`)),
  };
  const stock = {
    releaseMany: jest.fn(
      async (activityId: number, refs: { orderId: string }[], from: string[], to: string) => {
        const ids = refs.map((r) => r.orderId);
        log.push(`release ${activityId}: ${ids.join(',')} ${from.join('|')}→${to}`);
        return ids.map((orderId) => ({ orderId, released: true, found: 'O' as const }));
      },
    ),
  };
  const events = {
    cancelled: jest.fn(async (released: { id: string }[], _correlations: ReadonlyMap<string, string>) => {
      log.push(`events ${released.map((o) => o.id).join(',')}`);
    }),
  };
  const service = new CancellationService(
    orders as unknown as CancellationRepository,
    stock as unknown as StockStore,
    events as unknown as CancellationEventsPublisher,
  );
  return { service, orders, stock, events, log };
}

const pending = (remainingMs = 0): Row => ({ status: 'PENDING', stockReleased: false, remainingMs });
const settled = (status: OrderStatus, stockReleased = true): Row => ({
  status,
  stockReleased,
  remainingMs: 0,
});

describe('cancelling orders, orchestrated', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('when an expired order is still PENDING, then it is cancelled, its stock released from T or O to X, announced, then recorded', async () => {
    const { service, log, events } = cancellation({ a: pending() });
    const correlations = new Map([['a', 'corr-a']]);

    const outcomes = await service.cancelMany(['a'], 'timeout', correlations);

    expect(outcomes).toEqual(new Map([['a', { result: 'cancelled' }]]));
    expect(log).toEqual(['release 1: a T|O→X', 'events a', 'marked a']);
    expect(events.cancelled.mock.calls[0][1]).toBe(correlations);
  });

  it('when the order is PENDING but not yet expired by the database clock, then it is left alone with the time remaining', async () => {
    const { service, log } = cancellation({ a: pending(1_500) });
    await expect(service.cancelMany(['a'], 'timeout')).resolves.toEqual(
      new Map([['a', { result: 'not-due', remainingMs: 1_500 }]]),
    );
    expect(log).toEqual([]);
  });

  it('when a paid order times out, then nothing is released and the outcome says PAID', async () => {
    const { service, log } = cancellation({ a: settled('PAID') });
    await expect(service.cancelMany(['a'], 'timeout')).resolves.toEqual(
      new Map([['a', { result: 'final', status: 'PAID' }]]),
    );
    expect(log).toEqual([]);
  });

  it('when the order was cancelled by an attempt that died before the release, then this one finishes the release', async () => {
    const { service, log, orders } = cancellation({
      a: settled('CANCELLED', false),
      b: settled('CANCELLED'),
    });
    const outcomes = await service.cancelMany(['a', 'b'], 'timeout');
    expect(outcomes.get('a')).toEqual({ result: 'release-finished' });
    expect(outcomes.get('b')).toEqual({ result: 'final', status: 'CANCELLED' });
    expect(log).toEqual(['release 1: a T|O→X', 'events a', 'marked a']);
    expect(orders.cancelDue).toHaveBeenCalledWith(['a', 'b']);
  });

  it('when an order does not exist, then its outcome is not-found and nothing is done', async () => {
    const { service, log } = cancellation({});
    await expect(service.cancelMany(['ghost'], 'timeout')).resolves.toEqual(
      new Map([['ghost', { result: 'not-found' }]]),
    );
    expect(log).toEqual([]);
  });

  it('when an order is named twice, then it is cancelled and released once, both sharing the outcome', async () => {
    const { service, log, orders } = cancellation({ a: pending() });
    const outcomes = await service.cancelMany(['a', 'a'], 'timeout');
    expect([...outcomes]).toEqual([['a', { result: 'cancelled' }]]);
    expect(orders.cancelDue).toHaveBeenCalledWith(['a']);
    expect(log.filter((line) => line.startsWith('release'))).toEqual(['release 1: a T|O→X']);
  });

  it('when the orders span activities, then each activity is released in one call of its own', async () => {
    const { service, stock } = cancellation({
      a: pending(),
      b: { ...pending(), activityId: 2 },
      c: pending(),
    });
    await service.cancelMany(['a', 'b', 'c'], 'timeout');
    expect(
      stock.releaseMany.mock.calls.map(([activityId, refs]) => [activityId, refs.map((r) => r.orderId)]),
    ).toEqual([
      [1, ['a', 'c']],
      [2, ['b']],
    ]);
  });

  it('when the events cannot be sent, then the releases are not recorded, so that the next attempt sends them again', async () => {
    const { service, events, orders } = cancellation({ a: pending() });
    events.cancelled.mockRejectedValueOnce(new Error('Kafka down'));
    await expect(service.cancelMany(['a'], 'timeout')).rejects.toThrow('Kafka down');
    expect(orders.markReleased).not.toHaveBeenCalled();
  });

  it('when there is nothing to cancel, then nothing is asked of the database', async () => {
    const { service, orders } = cancellation({});
    await expect(service.cancelMany([], 'timeout')).resolves.toEqual(new Map());
    expect(orders.cancelDue).not.toHaveBeenCalled();
  });

  it('when the sweeper runs, then it cancels the expired orders and finishes the unreleased ones, a bounded batch of each', async () => {
    const { service, orders, log } = cancellation({
      late: pending(),
      'half-done': settled('CANCELLED', false),
    });
    await expect(service.sweep(2_000)).resolves.toEqual({ cancelled: 1, finished: 1 });
    expect(orders.cancelExpired).toHaveBeenCalledWith(2_000, SWEEP_LIMIT);
    expect(orders.findUnreleased).toHaveBeenCalledWith(2_000, SWEEP_LIMIT);
    expect(log).toEqual([
      'release 1: late T|O→X',
      'events late',
      'marked late',
      'release 1: half-done T|O→X',
      'events half-done',
      'marked half-done',
    ]);
  });
});
