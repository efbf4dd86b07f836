import Redis from 'ioredis';
import { loadConfig } from '@app/config';
import { RoomTickets } from '../../../apps/gateway/src/waiting-room/room-tickets';
import { TestClients, range } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { InProcessService } from '../../support/risk-gateways';
import { QueueAnswer, buyerIds, joinQueue, pollQueue, pollUntil } from '../../support/waiting-room';

/** The room at the purchase: the admission token it requires, the slots it gives and takes back, SOLD_OUT. */
const buyer = buyerIds('wa');

describe('the waiting room at the purchase (in process; real Redis, PostgreSQL, Kafka)', () => {
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

  const held = (id: number) => clients.redis.hlen(`seckill:{${id}}:reservations`);
  const buy = (gateway: InProcessService, id: number, userId: string, token?: string) =>
    gateway.purchase(id, userId, { headers: token ? { 'admission-token': token } : {} });

  /** Joins and polls until admitted; the admission token. */
  async function admitted(gateway: InProcessService, id: number, userId: string): Promise<string> {
    const { body } = await joinQueue(gateway, id, userId);
    return (await pollUntil(gateway, id, userId, body.ticket!, 'ADMITTED')).admissionToken!;
  }

  describe('no purchase without a valid admission token', () => {
    const room = { admitPerSecond: 100, maxAdmitted: 100, admissionWindowSeconds: 60 };
    let id = 0;
    let other = 0;
    let owner = '';
    let ownerToken = '';
    beforeAll(async () => {
      id = await a.createActivity({ stock: 50, waitingRoom: room });
      other = await a.createActivity({ stock: 50, waitingRoom: room });
      owner = buyer('owner');
      ownerToken = await admitted(a, id, owner);
    });

    const tickets = () => new RoomTickets(loadConfig());
    const forgedTickets = () =>
      new RoomTickets({ ...loadConfig(), JWT_SECRET: 'another-secret-entirely-xyz' });

    it.each([
      ['no token', async () => undefined, 'ADMISSION_TOKEN_REQUIRED'],
      ['garbage', async () => 'not.a.token', 'ADMISSION_TOKEN_INVALID'],
      [
        'a forged token',
        async (u: string) => forgedTickets().admissionToken(id, u, 1, Date.now() + 60_000),
        'ADMISSION_TOKEN_INVALID',
      ],
      ["another buyer's token", async () => ownerToken, 'ADMISSION_TOKEN_INVALID'],
      ["another activity's token", async (u: string) => admitted(a, other, u), 'ADMISSION_TOKEN_INVALID'],
      [
        'an expired token',
        async (u: string) => tickets().admissionToken(id, u, 1, Date.now() - 1_000),
        'ADMISSION_TOKEN_EXPIRED',
      ],
      [
        'the buyer login token',
        async (u: string) => a.buyerHeaders(u).authorization.slice(7),
        'ADMISSION_TOKEN_INVALID',
      ],
    ])('when a purchase carries %s, then it is 403 and nothing is taken', async (_name, tokenOf, code) => {
      const u = buyer('bad');
      const token = await tokenOf(u);
      const before = await held(id);
      const res = await buy(a, id, u, token);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe(code);
      expect(await held(id)).toBe(before);
      expect(await clients.buyerOrderId(id, u)).toBeNull();
    });

    it('when the admitted buyer buys with the token, then it is accepted; the same token again is refused', async () => {
      const before = await held(id);
      expect((await buy(a, id, owner, ownerToken)).status).toBe(202);
      expect(await held(id)).toBe(before + 1);
      const replay = await buy(a, id, owner, ownerToken);
      expect(replay.status).toBe(403);
      expect(replay.body.code).toBe('ADMISSION_TOKEN_INVALID');
      // Another gateway does not know the token was used (the replay set is per instance, as for purchase
      // tokens): the one-live-order rule refuses it there, and nothing is taken either.
      const elsewhere = await buy(b, id, owner, ownerToken);
      expect(elsewhere.status).toBe(409);
      expect(elsewhere.body.code).toBe('ALREADY_PURCHASED');
      expect(await held(id)).toBe(before + 1);
    });

    it('when the purchase comes by the hot route (node:http), then the token is required there too', async () => {
      const port = await a.port();
      const u = buyer('hot');
      const send = (token?: string) =>
        fetch(`http://127.0.0.1:${port}/api/seckill/${id}`, {
          method: 'POST',
          headers: {
            ...a.buyerHeaders(u),
            'content-type': 'application/json',
            ...(token ? { 'admission-token': token } : {}),
          },
          body: JSON.stringify({ quantity: 1 }),
        });
      const before = await held(id);
      const refused = await send();
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { code: string }).code).toBe('ADMISSION_TOKEN_REQUIRED');
      expect(await held(id)).toBe(before);
      expect((await send(await admitted(a, id, u))).status).toBe(202);
    });

    it('when an activity has no room, then a purchase needs no admission token', async () => {
      const plain = await a.createActivity({ stock: 5 });
      expect((await buy(a, plain, buyer('plain'))).status).toBe(202);
    });
  });

  it('when the last unit is sold, then every waiting buyer is told SOLD_OUT within one poll interval; when stock returns, admission resumes', async () => {
    const id = await a.createActivity({
      stock: 2,
      waitingRoom: { admitPerSecond: 100, maxAdmitted: 2, admissionWindowSeconds: 60 },
    });
    const buyers = range(6).map((i) => buyer(`s${i}`));
    const tickets: string[] = [];
    for (const u of buyers) tickets.push((await joinQueue(a, id, u)).body.ticket!);
    const tokens = await Promise.all(
      [0, 1].map(async (i) => (await pollUntil(a, id, buyers[i], tickets[i], 'ADMITTED')).admissionToken!),
    );
    const waiting = await Promise.all(
      range(4).map(async (i) => (await pollQueue(b, id, buyers[i + 2], tickets[i + 2])).body),
    );
    waiting.forEach((w) => expect(w.state).toBe('WAITING'));
    const pollInterval = Math.max(...waiting.map((w) => w.pollAfterSeconds)) * 1_000;

    expect((await buy(a, id, buyers[0], tokens[0])).status).toBe(202);
    expect((await buy(a, id, buyers[1], tokens[1])).status).toBe(202);
    const soldAt = Date.now();
    // Every waiting buyer, on the other gateway (which sold nothing): SOLD_OUT on the next poll.
    const told = await Promise.all(
      range(4).map((i) => pollUntil(b, id, buyers[i + 2], tickets[i + 2], 'SOLD_OUT', pollInterval)),
    );
    expect(Date.now() - soldAt).toBeLessThan(pollInterval);
    told.forEach((t: QueueAnswer) => expect(t.remainingStock).toBe(0));

    // A top-up brings stock back: the next in line is admitted again.
    expect((await a.admin('PATCH', `/api/activities/${id}`, { stock: 3 })).status).toBe(200);
    const next = await pollUntil(b, id, buyers[2], tickets[2], 'ADMITTED');
    expect((await buy(b, id, buyers[2], next.admissionToken)).status).toBe(202);
  }, 30_000);

  it('when an admitted buyer does not show up, then the slot goes to the next in line when the window lapses; a purchase frees it at once', async () => {
    const id = await a.createActivity({
      stock: 5,
      waitingRoom: { admitPerSecond: 100, maxAdmitted: 1, admissionWindowSeconds: 5 },
    });
    const [noShow, second, third] = ['n0', 'n1', 'n2'].map(buyer);
    const tickets: Record<string, string> = {};
    for (const u of [noShow, second, third]) tickets[u] = (await joinQueue(a, id, u)).body.ticket!;
    const lapsedToken = (await pollUntil(a, id, noShow, tickets[noShow], 'ADMITTED')).admissionToken!;
    expect((await pollQueue(a, id, second, tickets[second])).body.state).toBe('WAITING');

    const admittedSecond = await pollUntil(b, id, second, tickets[second], 'ADMITTED', 10_000);
    expect((await pollQueue(a, id, noShow, tickets[noShow])).body.state).toBe('EXPIRED');
    const late = await buy(a, id, noShow, lapsedToken);
    expect(late.status).toBe(403);
    expect(late.body.code).toBe('ADMISSION_TOKEN_EXPIRED');
    expect(await clients.buyerOrderId(id, noShow)).toBeNull();

    expect((await pollQueue(a, id, third, tickets[third])).body.state).toBe('WAITING');
    expect((await buy(b, id, second, admittedSecond.admissionToken)).status).toBe(202);
    const doneAt = Date.now();
    await pollUntil(a, id, third, tickets[third], 'ADMITTED', 3_000);
    expect(Date.now() - doneAt).toBeLessThan(3_000); // well inside the 5 s window: freed, not lapsed
    // Seen on /metrics: the room's figures, from the gateway's copy.
    const figure = (name: string) => a.metric('seckill_waiting_room', { activity: String(id), figure: name });
    await eventually(async () => expect(await figure('serving')).toBe(3));
    expect(await figure('waiting')).toBe(0);
  }, 30_000);

  it('when a buyer polls many times, then no poll costs a Redis call of its own', async () => {
    const id = await a.createActivity({ stock: 5, waitingRoom: { admitPerSecond: 1, maxAdmitted: 1 } });
    const u = buyer('p');
    const { ticket } = (await joinQueue(a, id, u)).body;
    // The room's copy is held from here on, and the client's connections are open (as a crowd's are).
    await Promise.all(range(16).map(() => pollQueue(a, id, u, ticket)));
    const calls = await callsOnKeysOf(id, () =>
      Promise.all(range(200).map(() => pollQueue(a, id, u, ticket))),
    );
    // Only the room's ticks, on both gateways (a few per second), touch its keys meanwhile.
    expect(calls.length).toBeLessThan(20);
  });

  /**
   * The commands sent to Redis on the activity's keys while `during` runs, scripts' inner calls left out
   * (other rooms' ticks, whose number grows with the rooms this file made, touch other keys).
   */
  async function callsOnKeysOf(id: number, during: () => Promise<unknown>): Promise<string[]> {
    if (!(clients.redis instanceof Redis)) throw new Error('MONITOR needs one Redis server, not a cluster');
    const monitor = await clients.redis.monitor();
    const calls: string[] = [];
    const mark = `polls-done-{${id}}`;
    const seen = new Promise<void>((resolve) =>
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (args[1] === mark) resolve();
        else if (source !== 'lua' && args.some((arg) => arg.includes(`{${id}}`))) calls.push(args.join(' '));
      }),
    );
    try {
      await during();
      await clients.redis.echo(mark); // once the monitor has seen it, it has seen everything sent before
      await seen;
    } finally {
      monitor.disconnect();
    }
    return calls;
  }
});
