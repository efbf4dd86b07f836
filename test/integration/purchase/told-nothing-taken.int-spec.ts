import { newOrderId } from '@app/contracts';
import { ReservationScript, StockStore, recordAbandoned } from '@app/stock';
import { Attempt } from '../../support/chaos-spike';
import { takenDespiteNothingTaken } from '../../support/chaos-taken';
import { TestClients } from '../../support/clients';
import { InProcessService } from '../../support/risk-gateways';

/**
 * The chaos judge's rule "a 503 takes nothing" (test/support/chaos-taken.ts), on reservations the real
 * scripts made: a buyer answered 503, then whose retry with the same Idempotency-Key timed out at the
 * client, holds the first attempt's reservation rightly when the gateway answered that retry with it (a
 * 202 the client did not wait for: SIGSTOP of Redis, in CI) — and wrongly when every answer naming it was
 * a 503 too, or none named it.
 */
describe('the chaos judge: taken despite a 503 (real Redis, PostgreSQL, the reservation scripts)', () => {
  let gateway: InProcessService;
  let clients: TestClients;
  const made: { activityId: number; orderId: string; userId: string }[] = [];

  beforeAll(async () => {
    gateway = await InProcessService.start();
    clients = await TestClients.connect();
  });
  afterAll(async () => {
    const stock = gateway?.get(StockStore);
    for (const r of made) await stock?.release(r.activityId, r, ['R'], 'U');
    await gateway?.close();
    await clients?.close();
  });

  /**
   * The buyer's first attempt reserves and is answered 503 (its reply lost); `retries` later attempts with
   * the same key are answered DUPLICATE with it, as the script answers them; their clients gave up
   * waiting (timeout), or heard 503 (`retriesHeard`: an abandon its gateway never recorded). Abandoned — in
   * the ledger, and in Redis unless `abandonsLost` (an older AOF, a failover: the reservation stands, as a
   * leak would leave it) — the first always, the retries when `retriesAbandoned`.
   */
  async function answered503ThenRetried(
    activityId: number,
    userId: string,
    opts: { retries: number; retriesAbandoned: boolean; abandonsLost?: boolean; retriesHeard?: boolean },
  ) {
    const script = gateway.get(ReservationScript);
    const now = Date.now();
    const first = { activityId, userId, quantity: 1, now, idempotencyKey: 'k', orderId: newOrderId(now) };
    await expect(script.reserve(first)).resolves.toMatchObject({ code: 'OK' });
    made.push(first);
    const attempts: Attempt[] = [
      { userId, n: 1, status: 503, code: 'UNAVAILABLE', startedAt: now, ms: 2_000 },
    ];
    const retries = [];
    for (let n = 2; n <= opts.retries + 1; n++) {
      const retry = { ...first, now: now + 2_500 * n, orderId: newOrderId(now + 2_500 * n) };
      await expect(script.reserve(retry)).resolves.toMatchObject({
        code: 'DUPLICATE',
        orderId: first.orderId,
      });
      retries.push(retry);
      const heard = { status: 503, code: 'UNAVAILABLE' } as const;
      attempts.push({
        userId,
        n,
        ...(opts.retriesHeard ? heard : { status: 'timeout' }),
        startedAt: retry.now,
        ms: 2_000,
      });
    }
    const abandoned = [first, ...(opts.retriesAbandoned ? retries : [])];
    for (const a of abandoned) await recordAbandoned(clients.db, a);
    for (const a of opts.abandonsLost ? [] : abandoned)
      await gateway.get(StockStore).abandon(activityId, a.orderId, userId, a.now);
    return attempts;
  }

  it('when a 503 attempt’s reservation was named by the answer to a retry the client gave up on, then it is not taken despite the 503', async () => {
    const activityId = await gateway.createActivity({ stock: 3 });
    const attempts = await answered503ThenRetried(activityId, 'heard-late', {
      retries: 2,
      retriesAbandoned: false,
    });
    expect(await clients.reservationsIn(activityId, 'R')).toBe(1); // kept for the retries' promise
    const orderId = (await clients.buyerOrderId(activityId, 'heard-late'))!;
    const rows = [{ id: orderId, user_id: 'heard-late' }]; // and once an order, alike
    await expect(takenDespiteNothingTaken(clients, activityId, [], attempts, new Map())).resolves.toEqual([]);
    await expect(takenDespiteNothingTaken(clients, activityId, rows, attempts, new Map())).resolves.toEqual(
      [],
    );
  });

  it('when every answer naming it was a 503 too (recorded or not), or none named it, then a reservation still held is taken despite the 503', async () => {
    const activityId = await gateway.createActivity({ stock: 3 });
    const lost = { abandonsLost: true };
    const voided = await answered503ThenRetried(activityId, 'all-503', {
      retries: 1,
      retriesAbandoned: true,
      ...lost,
    });
    const lone = await answered503ThenRetried(activityId, 'lone-503', {
      retries: 0,
      retriesAbandoned: false,
      ...lost,
    });
    // the retry's 503 heard, though its gateway recorded no abandon (PostgreSQL stalled past the wait)
    const unrecorded = await answered503ThenRetried(activityId, 'heard-503', {
      retries: 1,
      retriesAbandoned: false,
      retriesHeard: true,
    });
    expect(await clients.reservationsIn(activityId, 'R')).toBe(3);
    await expect(
      takenDespiteNothingTaken(clients, activityId, [], [...voided, ...lone, ...unrecorded], new Map()),
    ).resolves.toEqual(['all-503', 'lone-503', 'heard-503']);
  });
});
