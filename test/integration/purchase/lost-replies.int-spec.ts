import { randomUUID } from 'node:crypto';
import { ReservationScript, SellingAnnouncements, StockStore, stockKeys } from '@app/stock';
import { TestClients } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { ReplyDroppingProxy } from '../../support/reply-dropping-proxy';
import { InProcessService } from '../../support/risk-gateways';

/** One unit for `userId`, under a new order id, now: an attempt as the gateway hands it to the script. */
const attemptOf = (activityId: number, userId: string) => ({
  activityId,
  orderId: randomUUID(),
  userId,
  quantity: 1,
  now: Date.now(),
});

/**
 * A Redis reply lost in flight: the reservation script ran, the gateway never heard. The buyer must then
 * get an answer that stays true — 503 with nothing taken — and no re-sent command may decide for them.
 */
describe('a lost Redis reply at the gateway (real Redis behind a proxy that loses one reply)', () => {
  let proxy: ReplyDroppingProxy;
  let gateway: InProcessService;
  let clients: TestClients;

  beforeAll(async () => {
    proxy = await ReplyDroppingProxy.inFrontOfRedis(); // before the services read their configuration
    gateway = await InProcessService.start();
    clients = await TestClients.connect();
  });

  /** Reservations made by calling the script directly have no order request: undone, so none is left R. */
  const leftReserved: { activityId: number; orderId: string; userId: string }[] = [];
  afterEach(async () => {
    const stock = gateway.get(StockStore);
    for (const r of leftReserved.splice(0)) await stock.release(r.activityId, r, ['R'], 'U');
  });

  afterAll(async () => {
    await gateway?.close();
    await clients?.close();
    await proxy?.close();
  });

  /** The gateway announces an activity to recovery before its first reservation there: done first, so the
   * reply dropped below is the reservation script's. */
  const announced = (activityId: number) => gateway.get(SellingAnnouncements).pending(activityId);

  /**
   * A buyer's first attempt reserved, then `retries` later attempts of theirs, each answered with the first
   * (ALREADY_PURCHASED: a promise), whatever became of the replies.
   */
  async function firstAndRetries(buyer: string, retries: number) {
    const activityId = await gateway.createActivity({ stock: 3 });
    const script = gateway.get(ReservationScript);
    const first = attemptOf(activityId, buyer);
    await expect(script.reserve(first)).resolves.toMatchObject({ code: 'OK' });
    leftReserved.push(first);
    const later = [];
    for (let i = 1; i <= retries; i++) {
      const retry = { ...first, orderId: randomUUID(), now: first.now + 10 * i };
      await expect(script.reserve(retry)).resolves.toMatchObject({
        code: 'ALREADY_PURCHASED',
        orderId: first.orderId,
      });
      later.push(retry);
    }
    return { activityId, first, later, stock: gateway.get(StockStore) };
  }

  it('when the reservation script runs but its reply is lost, then the buyer gets 503 and, once Redis answers again, nothing is taken', async () => {
    const activityId = await gateway.createActivity({ stock: 3 });
    await announced(activityId);
    proxy.dropNextReplyTo('evalsha'); // the reservation's own reply
    const lost = await gateway.purchase(activityId, 'lost-reply-buyer');
    expect(lost.status).toBe(503);
    expect(lost.body.code).toBe('UNAVAILABLE');
    // The script did run (its reservation is in Redis): the gateway abandons it, stock back.
    await eventually(async () => (await clients.remaining(activityId)) === 3);
    const records = await clients.redis.hvals(stockKeys(activityId).reservations);
    expect(records.map((r) => r.split('|')[0])).toEqual(['U']);
    // And the buyer is free to buy: no live reservation stands in their name.
    const retry = await gateway.purchase(activityId, 'lost-reply-buyer');
    expect(retry.status).toBe(202);
    await expect(clients.remaining(activityId)).resolves.toBe(2);
  });

  it("when the reply is lost on the hot route, then the gateway logs it with the purchase's correlation id", async () => {
    const activityId = await gateway.createActivity({ stock: 3 });
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await announced(activityId);
      proxy.dropNextReplyTo('evalsha'); // the reservation's own reply
      const lost = await gateway.purchase(activityId, 'traced-buyer', {
        headers: { 'x-correlation-id': 'lost-reply-trace' },
      });
      expect([lost.status, lost.headers['x-correlation-id']]).toEqual([503, 'lost-reply-trace']);
    } finally {
      write.mockRestore();
    }
    const failed = written
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('the reservation script failed'))
      .map((line) => JSON.parse(line) as { correlationId?: string });
    expect(failed).toEqual([expect.objectContaining({ correlationId: 'lost-reply-trace' })]);
    await eventually(async () => (await clients.remaining(activityId)) === 3);
  });

  it('when a purchase attempt is retried under the same order id, then the script answers it as the first time and reserves once', async () => {
    const activityId = await gateway.createActivity({ stock: 3 });
    const script = gateway.get(ReservationScript);
    const attempt = attemptOf(activityId, 'retrying-buyer');
    const first = await script.reserve(attempt);
    leftReserved.push(attempt);
    const again = await script.reserve({ ...attempt, now: attempt.now + 5 });
    expect([first.code, again.code]).toEqual(['OK', 'OK']);
    expect(again.orderId).toBe(first.orderId);
    await expect(clients.remaining(activityId)).resolves.toBe(2);
  });

  it('when an attempt is abandoned before its script ran, then the script, run late, reserves nothing', async () => {
    const activityId = await gateway.createActivity({ stock: 3 });
    const attempt = attemptOf(activityId, 'late-buyer');
    await expect(
      gateway.get(StockStore).abandon(activityId, attempt.orderId, attempt.userId, attempt.now),
    ).resolves.toBe('never-reserved');
    const late = await gateway.get(ReservationScript).reserve(attempt);
    expect(late.code).toBe('ABANDONED');
    await expect(clients.remaining(activityId)).resolves.toBe(3);
  });

  it('when a retry with the same Idempotency-Key was answered 202 with the first attempt’s order, then abandoning that attempt keeps it', async () => {
    const activityId = await gateway.createActivity({ stock: 3 });
    const script = gateway.get(ReservationScript);
    const first = attemptOf(activityId, 'promised-buyer');
    await expect(script.reserve({ ...first, idempotencyKey: 'k-1' })).resolves.toMatchObject({ code: 'OK' });
    leftReserved.push(first);
    // The first attempt's reply is lost; the buyer's retry is answered 202 naming the first order.
    const retry = await script.reserve({ ...first, orderId: randomUUID(), idempotencyKey: 'k-1' });
    expect(retry).toMatchObject({ code: 'DUPLICATE', orderId: first.orderId });
    await expect(
      gateway.get(StockStore).abandon(activityId, first.orderId, first.userId, first.now),
    ).resolves.toBe('promised');
    await expect(clients.reservation(activityId, first.orderId)).resolves.toMatchObject({ state: 'R' });
    await expect(clients.remaining(activityId)).resolves.toBe(2);
  });

  it.each([
    ['the first attempt is abandoned first', (a: string[]) => a],
    ['the retry is abandoned first', (a: string[]) => [...a].reverse()],
  ])(
    'when a retry named the first attempt (ALREADY_PURCHASED) but its reply was lost too, then abandoning both gives the unit back (%s)',
    async (_, order) => {
      // Both replies lost: the buyer heard 503 twice, though the script promised the first to the retry.
      const { activityId, first, later, stock } = await firstAndRetries('twice-unanswered', 1);
      const [retry] = later;
      for (const orderId of order([first.orderId, retry.orderId]))
        await stock.abandon(activityId, orderId, first.userId, Date.now());
      await expect(clients.reservation(activityId, first.orderId)).resolves.toMatchObject({ state: 'U' });
      await expect(clients.remaining(activityId)).resolves.toBe(3);
    },
  );

  it('when a retry named the first attempt and its answer reached the buyer, then abandoning the first keeps it, and abandoning a later unanswered retry does not undo it', async () => {
    // The first retry answered ALREADY_PURCHASED (the buyer holds the first order), the second's reply lost.
    const { activityId, first, later, stock } = await firstAndRetries('told-once', 2);
    const unanswered = later[1];
    await expect(stock.abandon(activityId, first.orderId, first.userId, Date.now())).resolves.toBe(
      'promised',
    );
    await stock.abandon(activityId, unanswered.orderId, first.userId, Date.now());
    await expect(clients.reservation(activityId, first.orderId)).resolves.toMatchObject({ state: 'R' });
    await expect(clients.remaining(activityId)).resolves.toBe(2);
  });

  it('when the retry that named a 503’s reservation is abandoned after the order-service took it, then the abandon says kept (a buyer told 503 twice holds an order: logged, counted)', async () => {
    const { activityId, first, later, stock } = await firstAndRetries('taken-meanwhile', 1);
    const [retry] = later; // its reply lost
    await expect(stock.abandon(activityId, first.orderId, first.userId, Date.now())).resolves.toBe(
      'promised',
    );
    // The order-service took it meanwhile (take.lua: R → T).
    const k = stockKeys(activityId);
    const record = (await clients.redis.hget(k.reservations, first.orderId))!;
    await clients.redis.hset(k.reservations, first.orderId, `T${record.slice(1)}`);
    await expect(stock.abandon(activityId, retry.orderId, retry.userId, Date.now())).resolves.toBe('kept');
    await clients.redis.hset(k.reservations, first.orderId, record); // R again, for afterEach to undo
  });

  it.each([
    ['an older promise stands beside a recent one', 'promised', true],
    ['every promise is recent', 'pending', false],
  ])(
    'when the intake abandons again a reservation named by answers and %s, then it is %s and stays reserved',
    async (_, expected, older) => {
      const { activityId, first, stock } = await firstAndRetries(`named-${expected}`, 0);
      const now = Date.now();
      const promises = [...(older ? [`${randomUUID()}@${now - 60_000}`] : []), `${randomUUID()}@${now}`];
      await clients.redis.hset(stockKeys(activityId).promises, first.orderId, ['!', ...promises].join(' '));
      const found = await stock.abandon(activityId, first.orderId, first.userId, now, {
        settleMs: 10_000,
        voided: [],
      });
      expect(found).toBe(expected);
      await expect(clients.reservation(activityId, first.orderId)).resolves.toMatchObject({ state: 'R' });
      await expect(clients.remaining(activityId)).resolves.toBe(2);
    },
  );
});
