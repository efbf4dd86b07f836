import { CancelServiceModule } from '../../../apps/cancel-service/src/cancel-service.module';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';
import { SoldOutFlags } from '../../../apps/gateway/src/risk/sold-out-flags';
import { TestClients, range } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { InProcessService, addresses } from '../../support/risk-gateways';

// The periodic refresh is the backstop; here pub/sub alone must keep the two instances in step.
process.env.RISK_REFRESH_INTERVAL_MS = '600000';

/** Polls `probe` for at most a second (the promise of the issue), and says how long it took. */
async function withinASecond(probe: () => Promise<void>): Promise<number> {
  const started = Date.now();
  await eventually(probe, { timeoutMs: 1_000, intervalMs: 10 });
  const took = Date.now() - started;
  expect(took).toBeLessThan(1_000);
  return took;
}

describe('risk control across two gateway instances (in process; real Redis, PostgreSQL, Kafka)', () => {
  let a: InProcessService;
  let b: InProcessService;
  let orderService: InProcessService;
  let cancelService: InProcessService;
  let clients: TestClients;

  beforeAll(async () => {
    [a, b, orderService, cancelService] = await Promise.all([
      InProcessService.start(),
      InProcessService.start(),
      InProcessService.start(OrderServiceModule, 'order-service'),
      InProcessService.start(CancelServiceModule, 'cancel-service'),
    ]);
    clients = await TestClients.connect();
  });

  afterAll(async () => {
    await Promise.all([a, b, orderService, cancelService].map((s) => s?.close()));
    await clients?.close();
  });

  describe('blacklist', () => {
    it('when a user is blacklisted on one instance, then every instance refuses them within a second; removed, they buy again', async () => {
      const activityId = await a.createActivity({ stock: 5 });
      expect(
        await a.admin('POST', '/api/admin/blacklist', { kind: 'user', value: 'mallory', reason: 'bot' }),
      ).toMatchObject({
        status: 201,
        body: { kind: 'user', value: 'mallory', reason: 'bot', addedAt: expect.any(String) },
      });
      await withinASecond(async () => {
        expect((await b.purchase(activityId, 'mallory')).body).toMatchObject({ code: 'BLOCKED' });
      });
      expect((await a.purchase(activityId, 'mallory')).status).toBe(403);
      expect((await b.purchase(activityId, 'alice')).status).toBe(202);

      expect((await b.admin('DELETE', '/api/admin/blacklist/user/mallory')).status).toBe(204);
      // In another activity: a probe above that got in before b heard of the entry holds mallory's one
      // purchase of this one (the instances share a process, so a request can overtake the message).
      const next = await a.createActivity({ stock: 5 });
      await withinASecond(async () => expect((await a.purchase(next, 'mallory')).status).toBe(202));
      await clients.expectReconciled(activityId);
      await clients.expectReconciled(next);
    });

    it('when an IP is blacklisted (in any spelling), then every instance refuses any buyer from it within a second', async () => {
      const activityId = await a.createActivity({ stock: 5 });
      const [bad, good] = addresses(2, 20);
      const added = await b.admin('POST', '/api/admin/blacklist', { kind: 'ip', value: `::FFFF:${bad}` });
      expect(added.body).toMatchObject({ kind: 'ip', value: bad, reason: '' });

      let probes = 0; // a fresh buyer each: one that gets in before the message must not be carol
      const took = await withinASecond(async () => {
        expect((await a.purchase(activityId, `probe-${++probes}`, { ip: bad })).status).toBe(403);
      });
      expect((await a.purchase(activityId, 'carol', { ip: bad })).status).toBe(403);
      expect((await b.purchase(activityId, 'dave', { ip: bad })).body).toMatchObject({ code: 'BLOCKED' });
      expect((await a.purchase(activityId, 'carol', { ip: good })).status).toBe(202);
      expect((await a.admin('GET', '/api/admin/blacklist')).body.entries).toContainEqual(
        expect.objectContaining({ kind: 'ip', value: bad }),
      );
      await a.admin('DELETE', `/api/admin/blacklist/ip/${bad}`);
      process.stdout.write(`blacklisted IP refused by the other instance after ${took} ms\n`);
      await clients.expectReconciled(activityId);
    });

    it('when the blacklist is managed without the admin token or with a wrong body, then it is refused', async () => {
      const buyer = { authorization: `Bearer ${'x'}` };
      expect((await a.call('GET', '/api/admin/blacklist')).body.code).toBe('UNAUTHORIZED');
      expect((await a.call('POST', '/api/admin/blacklist', { payload: {}, headers: buyer })).body.code).toBe(
        'FORBIDDEN',
      );
      const invalid = await Promise.all([
        a.admin('POST', '/api/admin/blacklist', { kind: 'ip', value: '300.1.1.1' }),
        a.admin('POST', '/api/admin/blacklist', { kind: 'user', value: 'a|b' }),
        a.admin('POST', '/api/admin/blacklist', { kind: 'device', value: 'x' }),
        a.admin('POST', '/api/admin/blacklist', { kind: 'user', value: 'x', extra: 1 }),
        a.admin('DELETE', '/api/admin/blacklist/ip/not-an-ip'),
      ]);
      expect(invalid.map((r) => r.body.code)).toEqual(range(5).map(() => 'VALIDATION_FAILED'));
      expect((await a.admin('DELETE', '/api/admin/blacklist/user/nobody-listed')).body.code).toBe(
        'NOT_FOUND',
      );
    });
  });

  describe('sold-out flag', () => {
    it('when an activity sells out on one instance, then both refuse late buyers from memory; when a timeout releases a unit, both clear it and a buyer gets it', async () => {
      const activityId = await a.createActivity({ stock: 2, payTimeoutSeconds: 1 });
      const sold = await Promise.all(['u1', 'u2'].map((u) => a.purchase(activityId, u)));
      expect(sold.map((r) => r.status)).toEqual([202, 202]);
      const flags = [a, b].map((g) => g.get(SoldOutFlags));
      await withinASecond(async () =>
        expect(flags.map((f) => f.isSoldOut(activityId))).toEqual([true, true]),
      );
      expect((await b.purchase(activityId, 'late')).body.code).toBe('SOLD_OUT');

      // Nobody pays: after a second the cancel-service cancels both orders and release.lua announces the stock.
      await eventually(() => expect(flags.map((f) => f.isSoldOut(activityId))).toEqual([false, false]));
      expect((await b.purchase(activityId, 'late')).status).toBe(202);
      await clients.expectReconciled(activityId);
    });
  });

  describe('activity update (admin)', () => {
    it('when a sold-out activity is topped up, then PostgreSQL and Redis grow by the same amount, both instances sell the new units, and conservation holds', async () => {
      const activityId = await a.createActivity({ stock: 3 });
      await Promise.all(['t1', 't2', 't3'].map((u) => a.purchase(activityId, u)));
      await withinASecond(async () => expect(b.get(SoldOutFlags).isSoldOut(activityId)).toBe(true));

      const topUp = await a.admin('PATCH', `/api/activities/${activityId}`, { stock: 5 });
      expect(topUp).toMatchObject({ status: 200, body: { id: activityId, stock: 5, remainingStock: 2 } });
      await withinASecond(async () => expect(b.get(SoldOutFlags).isSoldOut(activityId)).toBe(false));
      const replies = await Promise.all(['t4', 't5', 't6'].map((u) => b.purchase(activityId, u)));
      expect(replies.map((r) => r.status).sort()).toEqual([202, 202, 409]);

      expect((await a.admin('PATCH', `/api/activities/${activityId}`, { stock: 5 })).status).toBe(200); // a repeat is a no-op
      expect(await clients.remaining(activityId)).toBe(0);
      await clients.expectReconciled(activityId);
    });

    it('when the admin ends a sale early, then both instances answer ENDED at once', async () => {
      const activityId = await a.createActivity({ stock: 10 });
      expect((await b.purchase(activityId, 'before')).status).toBe(202);
      const ended = await b.admin('PATCH', `/api/activities/${activityId}`, { endNow: true });
      expect(ended.status).toBe(200);
      expect(new Date(ended.body.endsAt).getTime()).toBeLessThanOrEqual(Date.now());

      await withinASecond(async () => {
        for (const gateway of [a, b])
          expect((await gateway.purchase(activityId, 'after')).body.code).toBe('ENDED');
      });
      await clients.expectReconciled(activityId);
    });

    it('when a sale that has not started is ended, then it never opens', async () => {
      const future = new Date(Date.now() + 3_600_000);
      const activityId = await a.createActivity({
        stock: 1,
        startsAt: future,
        endsAt: new Date(future.getTime() + 60_000),
      });
      const { body } = await a.admin('PATCH', `/api/activities/${activityId}`, { endNow: true });
      expect(new Date(body.startsAt).getTime()).toBeLessThan(new Date(body.endsAt).getTime());
      expect(new Date(body.endsAt).getTime()).toBeLessThanOrEqual(Date.now());
      await withinASecond(async () =>
        expect((await b.purchase(activityId, 'eager')).body.code).toBe('ENDED'),
      );
    });

    it('when an update would shrink the stock, names nothing, or lacks the admin token, then it is refused and nothing changes', async () => {
      const activityId = await a.createActivity({ stock: 4 });
      const replies = await Promise.all([
        a.admin('PATCH', `/api/activities/${activityId}`, { stock: 3 }),
        a.admin('PATCH', `/api/activities/${activityId}`, {}),
        a.admin('PATCH', `/api/activities/${activityId}`, { endNow: false }),
        a.call('PATCH', `/api/activities/${activityId}`, { payload: { stock: 9 } }),
        a.admin('PATCH', '/api/activities/2147483647', { stock: 9 }),
      ]);
      expect(replies.map((r) => `${r.status} ${r.body.code}`)).toEqual([
        '400 VALIDATION_FAILED',
        '400 VALIDATION_FAILED',
        '400 VALIDATION_FAILED',
        '401 UNAUTHORIZED',
        '404 NOT_FOUND',
      ]);
      expect((await a.call('GET', `/api/activities/${activityId}`)).body).toMatchObject({
        stock: 4,
        remainingStock: 4,
      });
    });
  });
});
