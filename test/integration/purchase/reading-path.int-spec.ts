import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { ModulesContainer } from '@nestjs/core';
import { PeriodicService } from '@app/common';
import { CancelServiceModule } from '../../../apps/cancel-service/src/cancel-service.module';
import { ActivityWindows } from '../../../apps/gateway/src/risk/activity-windows';
import { SaleHold } from '../../../apps/gateway/src/seckill/sale-hold';
import { Rooms } from '../../../apps/gateway/src/waiting-room/rooms';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';
import { TestClients } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { readingPathOfDoc } from '../../support/reading-path-doc';
import { InProcessService } from '../../support/risk-gateways';

// The services' background work must not run while the purchase is counted: the periodic services are
// stopped once started (below), and the loops on a timer of their own wait far past the spec's length.
process.env.RISK_REFRESH_INTERVAL_MS = '600000';

/** Stops every periodic service of the app (recovery, sweepers, backstops, the dashboard's recorder, …). */
async function stopBackgroundWork(service: InProcessService): Promise<void> {
  for (const module of service.get(ModulesContainer).values())
    for (const { instance } of module.providers.values()) {
      if (instance instanceof PeriodicService) await instance.beforeApplicationShutdown();
      if (instance instanceof Rooms) instance.onModuleDestroy(); // the waiting rooms' tick (no room here)
      if (instance instanceof SaleHold) await instance.beforeApplicationShutdown(); // its check of the servers
    }
}

/**
 * How many of the project's files one purchase runs through, from the socket to its cancelled order's
 * released stock (docs/architecture.md, "How to read this code"): the TypeScript files of apps/ and libs/
 * with a function that ran (V8's precise coverage, counts reset just before the purchase and read once its
 * stock is back and the release recorded), less barrels (index.ts). No background work runs in that window
 * (above), so the count is the same alone and after other specs. The Lua scripts Redis runs on the way are
 * named in the doc, not counted here. The count may only fall: lower BUDGET when a change makes the path
 * shorter.
 */
const BUDGET = 41;

/** The files in which a function ran. */
type Ran = Set<string>;

async function ranSinceLast(session: Session): Promise<Ran> {
  const { result } = await session.post('Profiler.takePreciseCoverage');
  const ran: Ran = new Set();
  for (const script of result) {
    const file = relative(process.cwd(), script.url.replace(/^file:\/\//, ''));
    if (!/^(apps|libs)\//.test(file) || file.endsWith('/index.ts') || file.endsWith('.spec.ts')) continue;
    if (script.functions.some((f) => f.ranges[0].count > 0)) ran.add(file);
  }
  return ran;
}

describe('the reading path of one purchase (in process; real Redis, PostgreSQL, Kafka)', () => {
  let services: InProcessService[] = [];
  let clients: TestClients;
  const session = new Session();

  beforeAll(async () => {
    services = await Promise.all([
      InProcessService.start(),
      InProcessService.start(OrderServiceModule, 'order-service'),
      InProcessService.start(CancelServiceModule, 'cancel-service'),
    ]);
    await Promise.all(services.map(stopBackgroundWork));
    clients = await TestClients.connect();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
  }, 60_000);

  afterAll(async () => {
    await session.post('Profiler.stopPreciseCoverage').catch(() => undefined);
    session.disconnect();
    await clients?.close();
    await Promise.all(services.map((s) => s.close()));
  });

  /**
   * One purchase over the socket, counted from just before it is sent (once the gateway has heard of the
   * activity) until its cancelled order's stock is back and the release recorded (the last write of the
   * path).
   */
  async function purchaseUntilReleased(buyer: string): Promise<Ran> {
    const [gateway] = services;
    const id = await gateway.createActivity({ stock: 2, payTimeoutSeconds: 1 });
    const headers = gateway.buyerHeaders(buyer);
    // the activity's announcement (pub/sub) reaches the gateway on its own time: counted, it would add
    // the subscriber's files to the path whenever it came after the reset below
    await eventually(() => gateway.get(ActivityWindows).cached(id) !== undefined);
    await ranSinceLast(session);
    const res = await gateway.call('POST', `/api/seckill/${id}`, {
      payload: { quantity: 1 },
      headers,
      socket: true,
    });
    expect(res.status).toBe(202);
    await eventually(async () => (await released(id)) && (await clients.remaining(id)) === 2, {
      timeoutMs: 30_000,
    });
    return ranSinceLast(session);
  }

  async function released(activityId: number): Promise<boolean> {
    const rows: { released: boolean }[] = await clients.db.query(
      `SELECT stock_released_at IS NOT NULL AS released FROM orders WHERE activity_id = $1 AND status = 'CANCELLED'`,
      [activityId],
    );
    return rows.length === 1 && rows[0].released;
  }

  it('when one purchase goes from the socket to its released stock, then it runs code in at most BUDGET files', async () => {
    await purchaseUntilReleased('reading-path-warm-up'); // first calls (script loads, lazy copies) left out
    const path = [...(await purchaseUntilReleased('reading-path-buyer'))].sort();
    process.stdout.write(`reading path: ${path.length} files\n${path.map((f) => `  ${f}`).join('\n')}\n`);
    expect(path.length).toBeLessThanOrEqual(BUDGET);
    // the doc's walk names exactly these (and the Lua scripts), no more and no fewer
    expect(
      readingPathOfDoc()
        .filter((f) => f.endsWith('.ts'))
        .sort(),
    ).toEqual(path);
  }, 90_000);
});
