import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { checkInvariants } from '@app/reconcile';
import { AbuseHarness } from '../../support/abuse-harness';
import { eventually } from '../../support/eventually';
import { PrivateRedis, freePort } from '../../support/private-redis';

// Read by the in-process gateway's configuration: set before the harness starts it.
Object.assign(process.env, { ACTIVITY_RETENTION_SECONDS: '1', ACTIVITY_RETENTION_INTERVAL_MS: '200' });
const ROOT = join(__dirname, '../../..');

describe('a Redis that may evict (a private redis-server with allkeys-lru)', () => {
  let server: PrivateRedis;
  let url: string;

  beforeAll(async () => {
    server = await PrivateRedis.start('--maxmemory-policy', 'allkeys-lru');
    ({ url } = server);
  });
  afterAll(() => server?.stop());

  function gateway(env: Record<string, string>): {
    exited: Promise<number | null>;
    output: () => string;
    child: ChildProcess;
  } {
    const child = spawn(process.execPath, [join(ROOT, 'dist/apps/gateway/src/main.js')], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', REDIS_URL: url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c) => (output += c));
    child.stderr!.on('data', (c) => (output += c));
    return { child, exited: new Promise((resolve) => child.once('exit', resolve)), output: () => output };
  }

  it('when the gateway starts on it, then it refuses, naming the policy', async () => {
    const run = gateway({ GATEWAY_PORT: String(await freePort()) });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toMatch(/maxmemory-policy is allkeys-lru/);
  });

  it('when REDIS_EVICTION_CHECK=warn, then it starts and logs the warning', async () => {
    const port = await freePort();
    const run = gateway({ GATEWAY_PORT: String(port), REDIS_EVICTION_CHECK: 'warn' });
    try {
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).ok, {
        timeoutMs: 30_000,
      });
      expect(run.output()).toMatch(/maxmemory-policy is allkeys-lru/);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });
});

describe('retention of finished activities (in-process gateway and order-service)', () => {
  const h = new AbuseHarness('retention');
  beforeAll(() => h.start(), 60_000);
  afterAll(() => h.stop());

  it('when an activity is over and paid for, then its Redis keys expire and reconcile judges it from the ledger', async () => {
    const id = await h.createActivity({ payTimeoutSeconds: 1 });
    const buyer = h.freshUser();
    const bought = await h.send('gateway', {
      method: 'POST',
      url: `/api/seckill/${id}`,
      headers: { authorization: h.bearer(buyer), 'idempotency-key': 'retention-1' },
      payload: { quantity: 1 },
    });
    expect(bought.statusCode).toBe(202);
    const { orderId } = bought.json();
    await eventually(async () => (await h.clients.reservation(id, orderId))?.state === 'O');
    const paid = await h.send('orders', {
      method: 'POST',
      url: `/api/orders/${orderId}/pay`,
      headers: { authorization: h.bearer(buyer) },
    });
    expect(paid.statusCode).toBe(200);
    const ended = await h.send('gateway', {
      method: 'PATCH',
      url: `/api/activities/${id}`,
      headers: { authorization: h.admin },
      payload: { endNow: true },
    });
    expect(ended.statusCode).toBe(200);
    expect((await h.clients.redis.keys(`seckill:{${id}}:*`)).length).toBeGreaterThan(0);

    await eventually(async () => expect(await h.clients.redis.keys(`seckill:{${id}}:*`)).toEqual([]), {
      timeoutMs: 20_000,
    });
    const report = await checkInvariants({ redis: h.clients.redis, db: h.clients.db, activityId: id });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.checks[0].detail).toMatch(/sold 1 ≤ stock 100; Redis keys retired/);
  });
});
