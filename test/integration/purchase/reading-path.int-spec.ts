import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { CancelServiceModule } from '../../../apps/cancel-service/src/cancel-service.module';
import { OrderServiceModule } from '../../../apps/order-service/src/order-service.module';
import { TestClients } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { InProcessService } from '../../support/risk-gateways';

// The services' periodic work (recovery, rebuild checks, the sweeper, risk refreshes) kept out of the count.
for (const name of [
  'RESERVATION_RECOVERY_INTERVAL_MS',
  'REDIS_REBUILD_CHECK_INTERVAL_MS',
  'RISK_REFRESH_INTERVAL_MS',
  'SWEEPER_INTERVAL_MS',
])
  process.env[name] = '600000';

/**
 * How many of the project's files one purchase runs through, from the socket to its cancelled order's
 * released stock (docs/architecture.md, "How to read this code"): the TypeScript files of apps/ and libs/
 * with a function that ran (V8's precise coverage, counts reset before the purchase), less barrels
 * (index.ts) and less the files whose functions that ran all ran in an idle window as long too (periodic
 * work). The Lua scripts Redis runs on the way are named in the doc, not counted here. The count may only
 * fall: lower BUDGET when a change makes the path shorter.
 */
const BUDGET = 55;

type Ran = Map<string, Set<string>>;

async function ranSinceLast(session: Session): Promise<Ran> {
  const { result } = await session.post('Profiler.takePreciseCoverage');
  const ran: Ran = new Map();
  for (const script of result) {
    const file = relative(process.cwd(), script.url.replace(/^file:\/\//, ''));
    if (!/^(apps|libs)\//.test(file) || file.endsWith('/index.ts') || file.endsWith('.spec.ts')) continue;
    const names = script.functions.filter((f) => f.ranges[0].count > 0).map((f) => f.functionName);
    if (names.length) ran.set(file, new Set(names));
  }
  return ran;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  /** One purchase over the socket, until its order is cancelled and its stock back. */
  async function purchaseUntilReleased(buyer: string): Promise<Ran> {
    const [gateway] = services;
    const id = await gateway.createActivity({ stock: 2, payTimeoutSeconds: 1 });
    const headers = gateway.buyerHeaders(buyer);
    await ranSinceLast(session);
    const res = await gateway.call('POST', `/api/seckill/${id}`, {
      payload: { quantity: 1 },
      headers,
      socket: true,
    });
    expect(res.status).toBe(202);
    await eventually(async () => (await clients.orders(id)).some((o) => o.status === 'CANCELLED'), {
      timeoutMs: 30_000,
    });
    await eventually(async () => (await clients.remaining(id)) === 2, { timeoutMs: 10_000 });
    await pause(300); // the cancellation's event is sent after the release
    return ranSinceLast(session);
  }

  it('when one purchase goes from the socket to its released stock, then it runs code in at most BUDGET files', async () => {
    await purchaseUntilReleased('reading-path-warm-up'); // first calls (script loads, lazy copies) left out
    await ranSinceLast(session);
    await pause(3_000);
    const idle = await ranSinceLast(session);
    const ran = await purchaseUntilReleased('reading-path-buyer');

    const path = [...ran]
      .filter(([file, names]) => ![...names].every((name) => idle.get(file)?.has(name)))
      .map(([file]) => file)
      .sort();
    process.stdout.write(`reading path: ${path.length} files\n${path.map((f) => `  ${f}`).join('\n')}\n`);
    expect(path.length).toBeLessThanOrEqual(BUDGET);
  }, 90_000);
});
