import { createActivity, pay, purchase } from '../support/api';
import { TestClients, range } from '../support/clients';
import { eventually } from '../support/eventually';
import { ServiceProcess } from '../support/service-process';

describe('the flash sale, end to end (three service processes, real Redis, PostgreSQL, Kafka)', () => {
  let gateway: ServiceProcess;
  let orderService: ServiceProcess;
  let cancelService: ServiceProcess;
  let clients: TestClients;

  beforeAll(async () => {
    clients = await TestClients.connect();
    [gateway, orderService, cancelService] = await ServiceProcess.startAll([
      'gateway',
      'order-service',
      'cancel-service',
    ]);
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), orderService?.stop(), cancelService?.stop()]);
    await clients?.close();
  });

  it('when 1,000 distinct buyers race for 100 items, then exactly 100 orders exist, 900 are SOLD_OUT and stock is 0', async () => {
    const activity = await createActivity(gateway.url, { stock: 100 });
    const replies = await Promise.all(
      range(1_000).map((i) => purchase(gateway.url, activity.id, `race-${activity.id}-${i}`)),
    );

    const accepted = replies.filter((r) => r.status === 202);
    expect(accepted).toHaveLength(100);
    expect(replies.filter((r) => r.status === 409 && r.body.code === 'SOLD_OUT')).toHaveLength(900);
    await eventually(async () => expect(await clients.orders(activity.id)).toHaveLength(100));
    const orderIds = (await clients.orders(activity.id)).map((o) => o.id).sort();
    expect(orderIds).toEqual(accepted.map((r) => r.body.orderId).sort());
    expect(await clients.remaining(activity.id)).toBe(0);
    await clients.expectReconciled(activity.id);
  });

  it('when one buyer fires 20 purchases at once, then exactly one order exists and the hammering is rate-limited', async () => {
    const activity = await createActivity(gateway.url, { stock: 50 });
    const replies = await Promise.all(range(20).map(() => purchase(gateway.url, activity.id, 'eager-buyer')));

    expect(replies.filter((r) => r.status === 202)).toHaveLength(1);
    // The per-user limit (burst RATE_LIMIT_USER_BURST) judges the first few; the rest never reach the stock.
    const refused = replies.filter((r) => r.status !== 202).map((r) => r.body.code);
    expect(refused.every((code) => code === 'ALREADY_PURCHASED' || code === 'RATE_LIMITED')).toBe(true);
    expect(refused.filter((code) => code === 'RATE_LIMITED').length).toBeGreaterThan(0);
    await eventually(async () => expect(await clients.orders(activity.id)).toHaveLength(1));
    expect(await clients.remaining(activity.id)).toBe(49);
    await clients.expectReconciled(activity.id);
  });

  it('when a purchase is retried with its Idempotency-Key, then it gets the same answer, and a different body is refused', async () => {
    const activity = await createActivity(gateway.url, { stock: 5, perUserLimit: 2 });
    const headers = { 'idempotency-key': `key-${activity.id}` };
    const first = await purchase(gateway.url, activity.id, 'retrier', 1, headers);
    const retry = await purchase(gateway.url, activity.id, 'retrier', 1, headers);
    const changed = await purchase(gateway.url, activity.id, 'retrier', 2, headers);

    expect(first).toEqual({ status: 202, body: { orderId: expect.any(String), status: 'QUEUED' } });
    expect(retry).toEqual(first);
    expect(changed.status).toBe(422);
    expect(changed.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await eventually(async () => expect(await clients.orders(activity.id)).toHaveLength(1));
    await clients.expectReconciled(activity.id);
  });

  it('when payments race the timeout around the deadline, then each order ends PAID xor CANCELLED and stock comes back only for the cancelled', async () => {
    const buyers = 60;
    const activity = await createActivity(gateway.url, { stock: buyers, payTimeoutSeconds: 2 });
    const replies = await Promise.all(
      range(buyers).map((i) => purchase(gateway.url, activity.id, `racer-${i}`)),
    );
    expect(replies.every((r) => r.status === 202)).toBe(true);
    const expiry = new Map<string, number>();
    await eventually(async () => {
      const rows: { id: string; expires_at: Date }[] = await clients.db.query(
        'SELECT id, expires_at FROM orders WHERE activity_id = $1',
        [activity.id],
      );
      expect(rows).toHaveLength(buyers);
      for (const r of rows) expiry.set(r.id, r.expires_at.getTime());
    });

    // Each buyer pays at a different moment, from 600 ms before the deadline to 400 ms after it.
    const paid = new Set<string>();
    await Promise.all(
      replies.map(async ({ body }, i) => {
        const at = expiry.get(body.orderId!)! - 600 + Math.round((1_000 * i) / buyers);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
        const answer = await pay(orderService.url, body.orderId!, `racer-${i}`);
        if (answer.status === 200) {
          expect(answer.body.status).toBe('PAID');
          paid.add(body.orderId!);
        } else {
          expect(answer).toMatchObject({ status: 409, body: { code: 'ORDER_NOT_PAYABLE' } });
        }
      }),
    );

    const final = await eventually(async () => {
      const rows: {
        id: string;
        status: string;
        paid_at: Date | null;
        cancelled_at: Date | null;
        expires_at: Date;
      }[] = await clients.db.query(
        'SELECT id, status, paid_at, cancelled_at, expires_at FROM orders WHERE activity_id = $1',
        [activity.id],
      );
      expect(rows.filter((r) => r.status === 'PENDING')).toEqual([]);
      return rows;
    });
    expect(paid.size).toBeGreaterThan(0);
    expect(paid.size).toBeLessThan(buyers);
    for (const row of final) {
      expect({ id: row.id, status: row.status }).toEqual({
        id: row.id,
        status: paid.has(row.id) ? 'PAID' : 'CANCELLED',
      });
      expect(row.paid_at !== null && row.cancelled_at !== null).toBe(false);
    }
    await clients.expectReconciled(activity.id);
    expect(await clients.remaining(activity.id)).toBe(buyers - paid.size);

    const lateness = final
      .filter((r) => r.status === 'CANCELLED')
      .map((r) => r.cancelled_at!.getTime() - r.expires_at.getTime())
      .sort((a, b) => a - b);
    const pct = (p: number) =>
      lateness[Math.min(lateness.length - 1, Math.floor((p / 100) * lateness.length))];
    process.stdout.write(
      `cancellation lateness after expires_at: p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${lateness.at(-1)} ms (${lateness.length} cancelled, ${paid.size} paid)\n`,
    );
  });
});
