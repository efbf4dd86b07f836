import { randomUUID } from 'node:crypto';
import { stockKeys } from '@app/stock';
import { BLACKLIST_KEYS } from '../../../apps/gateway/src/risk/blacklist.store';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';
import { TestClients, range } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { InProcessService, addresses } from '../../support/risk-gateways';

// Tight limits and short windows, so each limit shows within a test and without sleeping.
Object.assign(process.env, {
  RATE_LIMIT_USER_PER_SECOND: '5',
  RATE_LIMIT_USER_BURST: '2',
  RATE_LIMIT_IP_PER_SECOND: '10',
  RATE_LIMIT_IP_BURST: '20',
  ADMISSION_RATE_PER_SECOND: '20',
  ADMISSION_BURST: '1',
  RISK_REFRESH_INTERVAL_MS: '200',
});

describe('risk limits at the gateway (one gateway in process; real Redis, PostgreSQL, Kafka)', () => {
  let gateway: InProcessService;
  let orderService: InProcessService;
  let clients: TestClients;
  /** The gateway's refusals of `reason`, as decided by `decidedBy`, counted so far. */
  const refusalsCounted = (reason: string, decidedBy: string) =>
    gateway.metric('seckill_purchase_refusals_total', { reason, decided_by: decidedBy });

  beforeAll(async () => {
    [gateway, orderService] = await Promise.all([
      InProcessService.start(),
      InProcessService.start(OrderServiceModule, 'order-service'),
    ]);
    clients = await TestClients.connect();
  });

  afterAll(async () => {
    await Promise.all([gateway?.close(), orderService?.close()]);
    await clients?.close();
  });

  it('when one buyer floods from many addresses, then that buyer is limited and every other buyer still gets in', async () => {
    const activityId = await gateway.createActivity({ stock: 50 });
    const before = await refusalsCounted('RATE_LIMITED_USER', 'redis');
    const [flood, honest] = await Promise.all([
      Promise.all(addresses(30, 1).map((ip) => gateway.purchase(activityId, 'flooder', { ip }))),
      Promise.all(addresses(20, 2).map((ip, i) => gateway.purchase(activityId, `honest-${i}`, { ip }))),
    ]);

    expect(honest.map((r) => r.status)).toEqual(range(20).map(() => 202));
    expect(flood.filter((r) => r.status === 202)).toHaveLength(1);
    const limited = flood.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(25); // burst 2: about 2 attempts are judged, the rest refused
    expect(limited[0]).toMatchObject({
      body: { code: 'RATE_LIMITED', details: { limit: 'user', retryAfterMs: expect.any(Number) } },
      headers: { 'retry-after': '1' },
    });
    expect(flood.every((r) => [202, 409, 429].includes(r.status))).toBe(true);
    const after = await refusalsCounted('RATE_LIMITED_USER', 'redis');
    expect(after - before).toBe(limited.length);
    await clients.expectReconciled(activityId);
  });

  it('when one address exceeds its burst, then it gets 429 without a Redis call, other addresses are not affected, and it passes again a moment later', async () => {
    const activityId = await gateway.createActivity({ stock: 100 });
    const [crowded] = addresses(1, 3);
    const replies = await Promise.all(
      range(25).map((i) => gateway.purchase(activityId, `nat-${i}`, { ip: crowded })),
    );

    // Burst 20 (one more may pass if the 25 requests straddle a refill, 100 ms at 10 per second).
    const limited = replies.filter((r) => r.status === 429);
    expect(replies.filter((r) => r.status === 202).length).toBeGreaterThanOrEqual(20);
    expect(limited.length).toBeGreaterThanOrEqual(4);
    expect(replies.filter((r) => r.status === 202)).toHaveLength(25 - limited.length);
    expect(limited[0].body).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 'ip' } });
    expect((await gateway.purchase(activityId, 'elsewhere', { ip: addresses(1, 4)[0] })).status).toBe(202);
    await eventually(async () =>
      expect((await gateway.purchase(activityId, 'nat-late', { ip: crowded })).status).toBe(202),
    );
    expect(await refusalsCounted('RATE_LIMITED_IP', 'memory')).toBeGreaterThanOrEqual(limited.length);
    await clients.expectReconciled(activityId);
  });

  it('when one client rotates through the addresses of its IPv6 /64, then they count as one address and it gets 429', async () => {
    const activityId = await gateway.createActivity({ stock: 100 });
    const rotating = range(30).map((i) => `2001:db8:64:1:${(i + 1).toString(16)}::${i + 7}`);
    const replies = await Promise.all(
      rotating.map((ip, i) => gateway.purchase(activityId, `rotating-${i}`, { ip })),
    );

    // Burst 20 for the whole /64 (one more may pass if the requests straddle a refill).
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(9);
    expect(limited[0].body).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 'ip' } });
    const neighbour = await gateway.purchase(activityId, 'next-network', { ip: '2001:db8:64:2::1' });
    expect(neighbour.status).toBe(202);
    await clients.expectReconciled(activityId);
  });

  it('when an IPv6 address is blacklisted in a long spelling, then its short spelling is blocked', async () => {
    const activityId = await gateway.createActivity({ stock: 5 });
    const added = await gateway.admin('POST', '/api/admin/blacklist', {
      kind: 'ip',
      value: '2001:0db8:0000:0000:0000:0000:0000:0bad',
    });
    expect(added).toMatchObject({ status: 201, body: { value: '2001:db8::bad' } });
    try {
      const res = await gateway.purchase(activityId, 'short-spelling', { ip: '2001:db8::bad' });
      expect(res).toMatchObject({ status: 403, body: { code: 'BLOCKED' } });
    } finally {
      await gateway.admin('DELETE', '/api/admin/blacklist/ip/2001:db8:0:0:0:0:0:bad');
    }
    expect((await gateway.purchase(activityId, 'unblocked', { ip: '2001:db8::bad' })).status).toBe(202);
  });

  it('when more buyers arrive than the admission bucket holds, then the excess gets 429 at once and is admitted at the bucket rate', async () => {
    const activityId = await gateway.createActivity({ stock: 2 });
    const first = await Promise.all(
      addresses(2, 5).map((ip, i) => gateway.purchase(activityId, `early-${i}`, { ip })),
    );
    expect(first.map((r) => r.status)).toEqual([202, 202]); // the bucket holds at least the stock
    expect((await gateway.admin('PATCH', `/api/activities/${activityId}`, { stock: 12 })).status).toBe(200);

    // The top-up brought 10 units, but the bucket refills at 20 per second: most of a burst must wait.
    const buyers = addresses(10, 6).map((ip, i) => ({ ip, userId: `late-${i}` }));
    const burst = await Promise.all(buyers.map((b) => gateway.purchase(activityId, b.userId, { ip: b.ip })));
    const waiting = buyers.filter((_, i) => burst[i].status === 429);
    expect(waiting.length).toBeGreaterThan(0);
    expect(burst.find((r) => r.status === 429)?.body).toMatchObject({
      code: 'RATE_LIMITED',
      details: { limit: 'admission' },
    });

    for (const b of waiting) {
      await eventually(
        async () => expect((await gateway.purchase(activityId, b.userId, { ip: b.ip })).status).toBe(202),
        {
          timeoutMs: 2_000,
          intervalMs: 20,
        },
      );
    }
    expect(await clients.remaining(activityId)).toBe(0);
    await clients.expectReconciled(activityId);
  });

  it('when the sale has not started or has ended, then the gateway answers from memory', async () => {
    const soon = await gateway.createActivity({
      stock: 5,
      startsAt: new Date(Date.now() + 3_600_000),
      endsAt: new Date(Date.now() + 7_200_000),
    });
    const over = await gateway.createActivity({
      stock: 5,
      startsAt: new Date(Date.now() - 7_200_000),
      endsAt: new Date(Date.now() - 3_600_000),
    });
    const [notStarted, ended] = await Promise.all([
      gateway.purchase(soon, 'early-bird'),
      gateway.purchase(over, 'latecomer'),
    ]);

    expect(notStarted).toMatchObject({ status: 409, body: { code: 'NOT_STARTED' } });
    expect(ended).toMatchObject({ status: 409, body: { code: 'ENDED' } });
    expect(await refusalsCounted('NOT_STARTED', 'memory')).toBeGreaterThan(0);
    expect(await refusalsCounted('ENDED', 'memory')).toBeGreaterThan(0);
  });

  it('when a change reaches Redis but its message is lost, then the periodic refresh still brings it to the gateway', async () => {
    const activityId = await gateway.createActivity({ stock: 5 });
    const userId = `unannounced-${randomUUID().slice(0, 8)}`;
    expect((await gateway.purchase(activityId, 'first')).status).toBe(202);
    // Written as the admin endpoint does (PostgreSQL, then Redis's copy at its version), minus the
    // PUBLISH: no instance hears of it.
    const [[{ version }]] = await clients.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO blacklist (kind, value) VALUES ('user', $1)`, [userId]);
      return tx.query('UPDATE blacklist_version SET version = version + 1 RETURNING version');
    });
    await clients.redis
      .multi()
      .hset(BLACKLIST_KEYS.entries, `user:${userId}`, JSON.stringify({ reason: '', addedAt: '' }))
      .set(BLACKLIST_KEYS.version, version)
      .exec();
    await eventually(async () => expect((await gateway.purchase(activityId, userId)).status).toBe(403), {
      timeoutMs: 2_000,
    });
    expect((await gateway.admin('DELETE', `/api/admin/blacklist/user/${userId}`)).status).toBe(204);

    await clients.redis.hset(stockKeys(activityId).meta, 'endsAt', Date.now() - 1);
    await eventually(
      async () => expect((await gateway.purchase(activityId, 'second')).body.code).toBe('ENDED'),
      {
        timeoutMs: 2_000,
      },
    );
    await clients.expectReconciled(activityId);
  });

  it('when a purchase is refused before the risk chain (no token, bad body), then it is counted by its code too', async () => {
    const activityId = await gateway.createActivity({ stock: 1 });
    const unauthorized = await gateway.call('POST', `/api/seckill/${activityId}`, {
      payload: { quantity: 1 },
    });
    const invalid = await gateway.purchase(activityId, 'zero', { quantity: 0 });

    expect(unauthorized.body.code).toBe('UNAUTHORIZED');
    expect(invalid.body.code).toBe('VALIDATION_FAILED');
    expect(await refusalsCounted('UNAUTHORIZED', 'request')).toBeGreaterThan(0);
    expect(await refusalsCounted('VALIDATION_FAILED', 'request')).toBeGreaterThan(0);
  });
});
