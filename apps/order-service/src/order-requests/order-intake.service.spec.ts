import { Logger } from '@nestjs/common';
import { OrderRequestMessage } from '@app/contracts';
import { OrderEventsPublisher } from '../orders/order-events.publisher';
import { RedisRebuild } from '../recovery/redis-rebuild.service';
import { OrderIntakeService } from './order-intake.service';
import { OrderWriter, StillTaken, WrittenOrder } from './order-writer';
import { ReservationHandoff, TakeResult } from '@app/stock';

const request = (orderId: string, activityId = 1): OrderRequestMessage => ({
  orderId,
  activityId,
  userId: `buyer-${orderId}`,
  quantity: 1,
  reservedAt: 1_000,
});

/** The intake with fakes at its ports: Redis reservations by order id, a ledger with room for `capacity`. */
function intake({ capacity = Infinity, paid = [] as string[] } = {}) {
  const redis = {
    states: new Map<string, TakeResult>(),
    rebuilds: 0,
    /** reservations named to the buyer by another answer: one that stands, or one too recent to judge */
    promised: new Map<string, 'stands' | 'recent'>(),
  };
  const calls = {
    takes: [] as string[][],
    ordered: [] as string[],
    failed: [] as string[],
    written: [] as string[][],
  };
  const handoff = {
    take: async (_activityId: number, requests: OrderRequestMessage[]) => {
      calls.takes.push(requests.map((r) => r.orderId));
      return { rebuilds: redis.rebuilds, states: requests.map((r) => redis.states.get(r.orderId) ?? '') };
    },
    markOrdered: async (_activityId: number, refs: { orderId: string }[]) =>
      void calls.ordered.push(...refs.map((r) => r.orderId)),
    markFailed: async (_activityId: number, refs: { orderId: string }[]) =>
      void calls.failed.push(...refs.map((r) => r.orderId)),
    // abandon.lua: an R named to the buyer by a later answer that stands stays, one named by an answer too
    // recent to judge is left alone; any other R is undone.
    abandonAgain: async (_activityId: number, refs: { orderId: string }[]) => {
      const kept = new Set<string>();
      const pending = new Set<string>();
      for (const { orderId } of refs) {
        const named = redis.promised.get(orderId);
        if (named === 'recent') pending.add(orderId);
        else if (named === 'stands' || redis.states.get(orderId) !== 'T') kept.add(orderId);
        else redis.states.set(orderId, 'U');
      }
      return { kept, pending };
    },
  };
  const ledger = {
    rebuilds: 0,
    rows: new Map<string, WrittenOrder>(),
    abandoned: new Set<string>(),
    meanwhile: () => {},
  };
  const writer = {
    abandoned: async () => ledger.abandoned,
    abandonedOfBuyers: async () => new Map<string, string[]>(),
    write: jest.fn(
      async (activityId: number, requests: OrderRequestMessage[], takenUnder: number, still: StillTaken) => {
        ledger.meanwhile();
        const admissible = ledger.rebuilds !== takenUnder ? await still(requests) : requests;
        calls.written.push(admissible.map((r) => r.orderId));
        for (const r of admissible) {
          const live = [...ledger.rows.values()].filter((o) => o.activityId === activityId).length;
          if (!ledger.rows.has(r.orderId) && live < capacity)
            ledger.rows.set(r.orderId, {
              id: r.orderId,
              activityId,
              userId: r.userId,
              quantity: r.quantity,
              status: paid.includes(r.orderId) ? 'PAID' : 'PENDING',
              expiresAt: new Date(60_000),
            });
        }
        return requests.flatMap((r) => ledger.rows.get(r.orderId) ?? []);
      },
    ),
  };
  const events = { created: jest.fn(async () => undefined) };
  const rebuild = { rebuild: jest.fn(async () => true), check: jest.fn(async (): Promise<number[]> => []) };
  const service = new OrderIntakeService(
    handoff as unknown as ReservationHandoff,
    writer as unknown as OrderWriter,
    events as unknown as OrderEventsPublisher,
    rebuild as unknown as RedisRebuild,
    { REDIS_COMMAND_TIMEOUT_MS: 2_000, RESERVATION_RECOVERY_AFTER_MS: 5_000 },
  );
  return { service, redis, ledger, calls, writer, events, rebuild };
}

describe('the order intake, orchestrated', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('when the reservations are taken, then each becomes an order, the PENDING ones are announced with their correlation ids, and all are marked ordered', async () => {
    const { service, redis, calls, events } = intake({ paid: ['b'] });
    redis.states.set('a', 'T').set('b', 'O'); // b: a replay of an order paid meanwhile
    const correlationOf = (id: string) => `corr-${id}`;

    await expect(service.accept([request('a'), request('b')], correlationOf)).resolves.toEqual([]);

    expect(calls.ordered.sort()).toEqual(['a', 'b']);
    expect(events.created).toHaveBeenCalledWith(
      [expect.objectContaining({ id: 'a', status: 'PENDING' })],
      expect.any(Number),
      correlationOf,
    );
  });

  it('when a gateway answered 503 for an attempt and Redis brought its reservation back, then it is abandoned again and not ordered; one named to the buyer since is ordered', async () => {
    const { service, redis, ledger, calls } = intake();
    redis.states.set('lost', 'T').set('named', 'T').set('plain', 'T');
    ledger.abandoned.add('lost').add('named');
    redis.promised.set('named', 'stands'); // a retry with the same Idempotency-Key was answered 202 with it

    await service.accept([request('lost'), request('named'), request('plain')]);

    expect(calls.written).toEqual([['named', 'plain']]);
    expect(redis.states.get('lost')).toBe('U');
    expect(calls.ordered.sort()).toEqual(['named', 'plain']);
  });

  it('when a 503’s reservation was named by an answer too recent to judge, then it is neither ordered nor undone nor dead-lettered: recovery brings it again', async () => {
    const { service, redis, ledger, calls } = intake();
    redis.states.set('named-lately', 'T').set('plain', 'T');
    ledger.abandoned.add('named-lately');
    redis.promised.set('named-lately', 'recent');

    await expect(service.accept([request('named-lately'), request('plain')])).resolves.toEqual([]);

    expect(calls.written).toEqual([['plain']]);
    expect(redis.states.get('named-lately')).toBe('T');
    expect(calls.ordered).toEqual(['plain']);
  });

  it('when a request is delivered twice in one batch, then it is taken and written once', async () => {
    const { service, redis, calls } = intake();
    redis.states.set('a', 'T');
    await service.accept([request('a'), request('a')]);
    expect(calls.takes).toEqual([['a']]);
    expect(calls.written).toEqual([['a']]);
  });

  it('when Redis holds nothing of the activity, then it is rebuilt from the ledger and the reservation taken again', async () => {
    const { service, redis, calls, rebuild } = intake();
    redis.rebuilds = -1;
    rebuild.rebuild.mockImplementation(async () => {
      redis.states.set('a', 'T');
      redis.rebuilds = 0;
      return true;
    });
    await expect(service.accept([request('a')])).resolves.toEqual([]);
    expect(rebuild.rebuild).toHaveBeenCalledWith(1);
    expect(calls.takes).toEqual([['a'], ['a']]);
    expect(calls.ordered).toEqual(['a']);
  });

  it('when a reservation is missing and the periodic check finds Redis behind the ledger, then it is taken again after that rebuild', async () => {
    const { service, redis, calls, rebuild } = intake();
    rebuild.check.mockImplementation(async () => {
      redis.states.set('a', 'F'); // the rebuilt Redis recorded the lost reservation FAILED
      return [1];
    });
    await expect(service.accept([request('a')])).resolves.toEqual([]);
    expect(calls.takes).toHaveLength(2);
    expect(calls.ordered).toEqual([]);
  });

  it('when a reservation is still missing, then its request is dead-lettered with that reason and nothing is written', async () => {
    const { service, calls, rebuild } = intake();
    await expect(service.accept([request('ghost')])).resolves.toEqual([
      { orderId: 'ghost', reason: 'no reservation with this order id' },
    ]);
    expect(rebuild.rebuild).not.toHaveBeenCalled();
    expect(calls.takes).toHaveLength(1);
    expect(calls.ordered).toEqual([]);
  });

  it('when the buyer or the quantity differ from the reservation, then the request is dead-lettered and nothing is written', async () => {
    const { service, redis, calls } = intake();
    redis.states.set('forged', 'MISMATCH');
    await expect(service.accept([request('forged')])).resolves.toEqual([
      { orderId: 'forged', reason: 'buyer or quantity differ from the reservation' },
    ]);
    expect(calls.ordered).toEqual([]);
  });

  it('when a reservation was undone, released or failed, then its request writes nothing and is not dead-lettered', async () => {
    const { service, redis, calls, events } = intake();
    redis.states.set('u', 'U').set('x', 'X').set('f', 'F');
    await expect(service.accept([request('u'), request('x'), request('f')])).resolves.toEqual([]);
    expect(calls.written.flat()).toEqual([]);
    expect(calls.ordered).toEqual([]);
    expect(events.created).toHaveBeenCalledWith([], expect.any(Number), expect.any(Function));
  });

  it('when the ledger has no stock left for some, then those end FAILED, the activity is rebuilt, and only the rest are ordered', async () => {
    const { service, redis, calls, rebuild, events } = intake({ capacity: 1 });
    redis.states.set('a', 'T').set('b', 'T');
    await expect(service.accept([request('a'), request('b')])).resolves.toEqual([]);
    expect(calls.ordered).toEqual(['a']);
    expect(calls.failed).toEqual(['b']);
    expect(rebuild.rebuild).toHaveBeenCalledWith(1);
    expect(events.created).toHaveBeenCalledWith(
      [expect.objectContaining({ id: 'a' })],
      expect.any(Number),
      expect.any(Function),
    );
  });

  it('when Redis was rebuilt between the take and the write, then only what it still holds as taken is admitted', async () => {
    const { service, redis, ledger, calls } = intake();
    redis.states.set('a', 'T').set('b', 'T');
    ledger.rebuilds = 1; // a rebuild the take did not see, which gave b's unit back
    ledger.meanwhile = () => redis.states.set('b', 'X');
    await service.accept([request('a'), request('b')]);
    expect(calls.written).toEqual([['a']]);
    expect(calls.ordered).toEqual(['a']);
    expect(ledger.rows.has('b')).toBe(false);
  });

  it('when a batch spans activities, then each activity is taken and written on its own', async () => {
    const { service, redis, calls, writer } = intake();
    redis.states.set('a', 'T').set('b', 'T').set('c', 'T');
    await service.accept([request('a', 1), request('b', 2), request('c', 1)]);
    expect(calls.takes).toEqual([['a', 'c'], ['b']]);
    expect(writer.write.mock.calls.map(([activityId]) => activityId)).toEqual([1, 2]);
  });

  it('when the write fails, then the whole batch fails (Kafka delivers it again) and nothing is announced', async () => {
    const { service, redis, writer, events, calls } = intake();
    redis.states.set('a', 'T');
    writer.write.mockRejectedValueOnce(new Error('connection terminated'));
    await expect(service.accept([request('a')])).rejects.toThrow('connection terminated');
    expect(events.created).not.toHaveBeenCalled();
    expect(calls.ordered).toEqual([]);
  });
});
