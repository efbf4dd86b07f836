import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { rebuildActivity } from '@app/stock';
import { signTicket, ticketKey } from '../../../apps/gateway/src/defences/signed-ticket';
import { TestClients, range } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { InProcessService } from '../../support/risk-gateways';
import { buyerIds, joinQueue, pollQueue, pollUntil } from '../../support/waiting-room';

/** The waiting room's line: one place per buyer, the pre-queue shuffled at the start, FIFO after it. */
const room = { opensBeforeSeconds: 600, admitPerSecond: 1, maxAdmitted: 1, admissionWindowSeconds: 60 };
const buyer = buyerIds('wr');

describe('the waiting room line (in process; real Redis, PostgreSQL, Kafka)', () => {
  let a: InProcessService;
  let b: InProcessService;
  let clients: TestClients;

  beforeAll(async () => {
    [a, b] = await Promise.all([InProcessService.start(), InProcessService.start()]);
    clients = await TestClients.connect();
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a, b].map((s) => s?.close()));
    await clients?.close();
  });

  const joined = async (activityId: number) =>
    Number((await clients.redis.hget(`seckill:{${activityId}}:room`, 'joined')) ?? 0);

  it('when buyers join many times at once, over two gateways, then each holds exactly one place', async () => {
    const id = await a.createActivity({ stock: 10, waitingRoom: room });
    const buyers = range(30).map((i) => buyer(`c${i}`));
    const replies = await Promise.all(
      buyers.flatMap((u) => range(5).map((k) => joinQueue(k % 2 ? b : a, id, u))),
    );
    const positions = new Map<string, Set<number>>();
    replies.forEach((r, i) => {
      expect([200, 201]).toContain(r.status);
      const u = buyers[Math.floor(i / 5)];
      positions.set(u, (positions.get(u) ?? new Set()).add(r.body.position!));
    });
    for (const u of buyers) expect(positions.get(u)!.size).toBe(1);
    expect(replies.filter((r) => r.status === 201)).toHaveLength(30);
    const all = [...positions.values()].map((s) => [...s][0]).sort((x, y) => x - y);
    expect(all).toEqual(range(30).map((i) => i + 1));
    expect(await joined(id)).toBe(30);
    expect(await clients.redis.hlen(`seckill:{${id}}:room:places`)).toBe(30);
  });

  it('when buyers join before the start, then their places are shuffled at the start, and later arrivals queue behind them in order', async () => {
    const startsAt = new Date(Date.now() + 4_000);
    const id = await a.createActivity({ stock: 10, startsAt, waitingRoom: room });
    const early = range(40).map((i) => buyer(`e${i}`));
    const tickets = new Map<string, string>();
    for (const u of early) {
      const { status, body } = await joinQueue(a, id, u); // one after another: arrival order is known
      expect(status).toBe(201);
      expect(body).toMatchObject({ state: 'WAITING', position: null });
      tickets.set(u, body.ticket!);
    }
    await eventually(() => Date.now() >= startsAt.getTime() + 100, { timeoutMs: 10_000 });
    const late = range(10).map((i) => buyer(`l${i}`));
    const latePositions: number[] = [];
    for (const u of late) latePositions.push((await joinQueue(b, id, u)).body.position!);
    expect(latePositions).toEqual(range(10).map((i) => 41 + i));

    const earlyPositions = await eventually(async () => {
      const answers = await Promise.all(early.map((u) => pollQueue(a, id, u, tickets.get(u))));
      const positions = answers.map((r) => r.body.position);
      if (positions.some((p) => p === null)) throw new Error('the pre-queue is not drawn yet');
      return positions as number[];
    });
    expect([...earlyPositions].sort((x, y) => x - y)).toEqual(range(40).map((i) => i + 1));
    expect(earlyPositions).not.toEqual(range(40).map((i) => i + 1)); // 1 in 40! to be the arrival order
    // Every gateway draws the same place for the same ticket.
    const onB = await Promise.all(early.map((u) => pollQueue(b, id, u, tickets.get(u))));
    expect(onB.map((r) => r.body.position)).toEqual(earlyPositions);
  }, 30_000);

  it('when a gateway restarts mid-queue, then nobody loses a place: polls and joins again find the same one', async () => {
    const id = await a.createActivity({ stock: 10, waitingRoom: room });
    const buyers = range(8).map((i) => buyer(`r${i}`));
    const before = new Map<string, { position: number; ticket: string }>();
    for (const u of buyers) {
      const { body } = await joinQueue(a, id, u);
      before.set(u, { position: body.position!, ticket: body.ticket! });
    }
    await a.close();
    a = await InProcessService.start();
    for (const u of buyers) {
      const { ticket, position } = before.get(u)!;
      const polled = await pollQueue(a, id, u, ticket);
      expect(polled.status).toBe(200);
      expect(polled.body.position).toBe(position);
      const again = await joinQueue(a, id, u);
      expect(again.status).toBe(200);
      expect(again.body.position).toBe(position);
    }
    expect(await joined(id)).toBe(8);
    // The first in line is admitted whichever gateway is asked.
    await pollUntil(b, id, buyers[0], before.get(buyers[0])!.ticket, 'ADMITTED');
  }, 60_000);

  it('when a poll comes by the hot route (node:http), then it gets the answers the framework route gives', async () => {
    const id = await a.createActivity({ stock: 10, waitingRoom: room });
    const u = buyer('hot');
    const { ticket } = (await joinQueue(a, id, u)).body;
    const port = await a.port();
    const get = async (headers: Record<string, string>) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/seckill/${id}/queue`, { headers });
      return { status: res.status, body: (await res.json()) as { code?: string; position?: number } };
    };
    // The same answer either way (an admission token is fresh on every poll: compared apart).
    const { admissionToken: _injected, ...viaInject } = (await pollQueue(a, id, u, ticket, { socket: false }))
      .body;
    const hot = await get({ ...a.buyerHeaders(u), 'queue-ticket': ticket! });
    const { admissionToken, ...viaHotRoute } = hot.body as typeof viaInject & { admissionToken?: string };
    expect(hot.status).toBe(200);
    expect(viaHotRoute).toEqual(viaInject);
    expect(typeof admissionToken).toBe(typeof _injected);
    expect((await get({ 'queue-ticket': ticket! })).status).toBe(401);
    const other = await get({ ...a.buyerHeaders(buyer('other')), 'queue-ticket': ticket! });
    expect([other.status, other.body.code]).toEqual([403, 'QUEUE_TICKET_INVALID']);
    expect((await get(a.buyerHeaders(u))).body.code).toBe('QUEUE_TICKET_REQUIRED');
  });

  it('when Redis loses the room mid-queue, then an old ticket is answered QUEUE_RESET, never with the place of another buyer', async () => {
    const id = await a.createActivity({ stock: 10, waitingRoom: room });
    const [first, second] = [buyer('w0'), buyer('w1')];
    const { ticket } = (await joinQueue(a, id, first)).body;
    expect((await pollQueue(b, id, first, ticket)).body.position).toBe(1);
    const k = `seckill:{${id}}:room`;
    await clients.redis.del(k, `${k}:places`, `${k}:admitted`, `${k}:grants`); // what a wipe does to it
    const newcomer = await joinQueue(b, id, second);
    expect(newcomer.body.position).toBe(1); // the line starts again…
    // …and place 1 is not told to two buyers: every gateway refuses the old ticket (a copy that has not
    // seen the new line yet, within one tick).
    for (const gateway of [a, b]) {
      await eventually(
        async () => {
          const stale = await pollQueue(gateway, id, first, ticket!);
          expect([stale.status, stale.body.code]).toEqual([409, 'QUEUE_RESET']);
        },
        { timeoutMs: 2_000, intervalMs: 20 },
      );
    }
    const again = await joinQueue(a, id, first);
    expect(again.status).toBe(201);
    expect(again.body.position).toBe(2);
  });

  it('when the activity is rebuilt from the ledger, then its room comes back with it', async () => {
    const id = await a.createActivity({ stock: 10, waitingRoom: room });
    const meta = `seckill:{${id}}:meta`;
    const fields = ['roomOpensBeforeSeconds', 'roomAdmitPerSecond', 'roomMaxAdmitted', 'roomWindowSeconds'];
    const before = await clients.redis.hmget(meta, ...fields);
    await clients.redis.hdel(meta, ...fields);
    await rebuildActivity(a.get(DataSource), clients.redis, id);
    expect(await clients.redis.hmget(meta, ...fields)).toEqual(before);
  });

  describe('bad input: a clear 4xx with a code, and nothing changes', () => {
    let id = 0;
    let other = 0;
    let owner = '';
    let ticket = '';
    beforeAll(async () => {
      id = await a.createActivity({ stock: 5, waitingRoom: room });
      other = await a.createActivity({ stock: 5, waitingRoom: room });
      owner = buyer('owner');
      ticket = (await joinQueue(a, id, owner)).body.ticket!;
    });

    const secret = () => loadConfig().JWT_SECRET;
    const forged = (key: Buffer, activityId: number, userId: string, arrival = 1) =>
      signTicket(key, { activityId, userId, expiresAt: Date.now() + 3_600_000, extra: String(arrival) });

    it.each([
      ['no ticket', () => undefined, 'QUEUE_TICKET_REQUIRED'],
      ['a malformed ticket', () => 'not-a-ticket', 'QUEUE_TICKET_INVALID'],
      [
        'a ticket signed with another key',
        () => forged(ticketKey('another-secret-entirely-xyz', 'queue-ticket'), id, 'x'),
        'QUEUE_TICKET_INVALID',
      ],
      [
        'a purchase token passed off as a ticket',
        () => forged(ticketKey(secret(), 'purchase-token'), id, 'x'),
        'QUEUE_TICKET_INVALID',
      ],
      ["another buyer's ticket", () => ticket, 'QUEUE_TICKET_INVALID'],
      [
        "another activity's ticket",
        () => forged(ticketKey(secret(), 'queue-ticket'), other, 'x'),
        'QUEUE_TICKET_INVALID',
      ],
      [
        'an expired ticket',
        () =>
          signTicket(ticketKey(secret(), 'queue-ticket'), {
            activityId: id,
            userId: 'x',
            expiresAt: Date.now() - 1,
            extra: '1',
          }),
        'QUEUE_TICKET_EXPIRED',
      ],
    ])('when a poll carries %s, then it is 403 with its code', async (_name, ticketOf, code) => {
      const before = await joined(id);
      const poller = 'x';
      const res = await pollQueue(a, id, poller, ticketOf());
      expect(res.status).toBe(403);
      expect(res.body.code).toBe(code);
      expect(await joined(id)).toBe(before);
    });

    it('when the owner replays their own ticket, then it is the same place (a poll changes nothing)', async () => {
      const first = await pollQueue(a, id, owner, ticket);
      const again = await pollQueue(b, id, owner, ticket);
      expect(again.body.position).toBe(first.body.position);
    });

    it.each([
      ['an unknown activity', 404, 'NOT_FOUND', async () => 2_000_000_000],
      ['an activity id that is not one', 400, 'VALIDATION_FAILED', async () => 'abc' as unknown as number],
      ['an activity without a room', 409, 'NO_WAITING_ROOM', async () => a.createActivity({ stock: 5 })],
      ['an ended activity', 409, 'ENDED', async () => endedActivity()],
      [
        'a room that is not open yet',
        409,
        'ROOM_NOT_OPEN',
        async () =>
          a.createActivity({
            stock: 5,
            startsAt: new Date(Date.now() + 3_600_000),
            endsAt: new Date(Date.now() + 7_200_000),
            waitingRoom: { ...room, opensBeforeSeconds: 60 },
          }),
      ],
    ])(
      'when a buyer joins %s, then it is %i %s and no place is taken',
      async (_name, status, code, activity) => {
        const target = await activity();
        const res = await joinQueue(a, target, buyer('bad'));
        expect(res.status).toBe(status);
        expect(res.body.code).toBe(code);
        if (typeof target === 'number') expect(await joined(target)).toBe(0);
      },
    );

    async function endedActivity(): Promise<number> {
      const ended = await a.createActivity({ stock: 5, waitingRoom: room });
      expect((await a.admin('PATCH', `/api/activities/${ended}`, { endNow: true })).status).toBe(200);
      await eventually(async () => expect((await joinQueue(a, ended, 'probe')).body.code).toBe('ENDED'));
      return ended;
    }

    it('when a join sends an unknown field, then it is 400 and no place is taken', async () => {
      const before = await joined(id);
      const res = await joinQueue(a, id, buyer('field'), { position: 1 });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(await joined(id)).toBe(before);
    });

    it('when an activity asks for a room with stock shards, then it is refused at creation', async () => {
      const res = await a.admin('POST', '/api/activities', {
        name: 'sharded room',
        stock: 10,
        stockShards: 2,
        startsAt: new Date(Date.now() - 1_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        waitingRoom: room,
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });
  });
});
