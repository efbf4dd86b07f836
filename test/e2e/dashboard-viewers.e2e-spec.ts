import { execFileSync } from 'node:child_process';
import { ClientRequest, get } from 'node:http';
import { loadConfig } from '@app/config';
import { createActivity, purchase } from '../support/api';
import { TestClients, range } from '../support/clients';
import { eventually } from '../support/eventually';
import { ServiceProcess } from '../support/service-process';

/** Each measurement lasts this many snapshot intervals, as counted by the first viewer's stream. */
const WINDOW_EVENTS = 5;
const VIEWERS = 200;
const DASHBOARD_TOKEN = 'dashboard-read-token-0123456789';

interface Viewer {
  request: ClientRequest;
  events: number;
}

/**
 * What open dashboards cost the infrastructure the sale runs on, measured at the servers: PostgreSQL's
 * committed transactions (pg_stat_database) and the data segments Kafka's broker received on its client
 * connections (ss), i.e. its requests. Only this spec's gateway talks to them while it measures.
 */
describe('dashboard viewers (a real gateway process, real PostgreSQL and Kafka)', () => {
  const kafkaPort = loadConfig().KAFKA_BROKERS[0].split(':')[1];
  let gateway: ServiceProcess;
  let clients: TestClients;
  let activityId: number;
  const viewers: Viewer[] = [];

  beforeAll(async () => {
    clients = await TestClients.connect();
    gateway = await ServiceProcess.start('gateway', {
      DASHBOARD_MAX_VIEWERS: String(VIEWERS),
      DASHBOARD_TOKEN,
      RATE_LIMIT_IP_BURST: '10000',
    });
    activityId = (await createActivity(gateway.url, { name: 'watched sale', stock: 50 })).id;
    await Promise.all(range(10).map((i) => purchase(gateway.url, activityId, `watched-${i}`)));
  });

  afterAll(async () => {
    for (const v of viewers) v.request.destroy();
    await gateway?.stop();
    await clients?.close();
  });

  async function pgCommits(): Promise<number> {
    const [row] = await clients.db.query(
      'SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(row.xact_commit);
  }

  function kafkaSegments(): number {
    const out = execFileSync('ss', ['-tinH', 'state', 'established', `( sport = :${kafkaPort} )`], {
      encoding: 'utf8',
    });
    return [...out.matchAll(/data_segs_in:(\d+)/g)].reduce((sum, [, n]) => sum + Number(n), 0);
  }

  /** Commits/s and Kafka requests/s while the first viewer receives WINDOW_EVENTS snapshots. */
  async function rates(): Promise<{ pg: number; kafka: number }> {
    const [pg0, k0, t0, e0] = [await pgCommits(), kafkaSegments(), Date.now(), viewers[0].events];
    await eventually(() => viewers[0].events >= e0 + WINDOW_EVENTS, { timeoutMs: 30_000 });
    const [pg1, k1, seconds] = [await pgCommits(), kafkaSegments(), (Date.now() - t0) / 1000];
    return { pg: (pg1 - pg0 - 1) / seconds, kafka: (k1 - k0) / seconds };
  }

  function openViewer(token = DASHBOARD_TOKEN): Promise<{ status: number; body: string; viewer: Viewer }> {
    return new Promise((resolve, reject) => {
      const viewer = { events: 0 } as Viewer;
      viewer.request = get(
        `${gateway.url}/dashboard/events?activity=${activityId}&token=${token}`,
        { agent: false },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => {
            const text = chunk.toString();
            if (res.statusCode !== 200) body += text;
            viewer.events += (text.match(/^data: /gm) ?? []).length;
          });
          if (res.statusCode === 200) resolve({ status: 200, body, viewer });
          else res.on('end', () => resolve({ status: res.statusCode ?? 0, body, viewer }));
        },
      );
      viewer.request.on('error', reject);
    });
  }

  it('when a caller varies `activity` over made-up ids, then neither Kafka nor PostgreSQL is asked for them', async () => {
    const [pg0, k0] = [await pgCommits(), kafkaSegments()];
    const answers = await Promise.all(
      range(300).map(async (i) => {
        const res = await fetch(
          `${gateway.url}/dashboard/snapshot?activity=${1_900_000_000 + i}&token=${DASHBOARD_TOKEN}`,
        );
        return (await res.json()) as { error?: string };
      }),
    );
    const [pg1, k1] = [await pgCommits(), kafkaSegments()];
    process.stdout.write(
      `dashboard: 300 made-up ids cost ${pg1 - pg0} PostgreSQL commits, ${k1 - k0} Kafka requests\n`,
    );
    // At most the catalogue's one query per interval (and this spec's own reads); no consumer-lag look-up.
    expect(pg1 - pg0).toBeLessThanOrEqual(5);
    expect(k1 - k0).toBeLessThanOrEqual(5);
    expect(new Set(answers.map((a) => a.error))).toEqual(
      new Set([expect.stringMatching(/no such activity/)]),
    );
  });

  it(`when ${VIEWERS} viewers watch one activity, then PostgreSQL and Kafka see what one viewer costs`, async () => {
    const first = await openViewer();
    viewers.push(first.viewer);
    const one = await rates();
    for (const { viewer } of await Promise.all(range(VIEWERS - 1).map(() => openViewer()))) {
      viewers.push(viewer);
    }
    await eventually(() => viewers.every((v) => v.events > 0), { timeoutMs: 20_000 });
    const many = await rates();
    process.stdout.write(
      `dashboard: PostgreSQL commits/s 1 viewer ${one.pg.toFixed(1)}, ` +
        `${VIEWERS} viewers ${many.pg.toFixed(1)}; Kafka requests/s ` +
        `1 viewer ${one.kafka.toFixed(1)}, ${VIEWERS} viewers ${many.kafka.toFixed(1)}\n`,
    );
    expect(many.pg).toBeLessThanOrEqual(one.pg * 1.5 + 3);
    expect(many.kafka).toBeLessThanOrEqual(one.kafka * 1.5 + 5);
    expect(viewers.every((v) => v.events >= 2)).toBe(true);
  });

  it('when the viewer cap is reached, then one more viewer gets a clear 503 and the others keep streaming', async () => {
    const extra = await openViewer();
    expect(extra.status).toBe(503);
    expect(JSON.parse(extra.body)).toEqual({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/viewers/),
    });
    const before = viewers[0].events;
    await eventually(() => viewers[0].events > before);
  });

  it('when the read token is wrong, then the data is 403 and the page itself still loads', async () => {
    const res = await fetch(`${gateway.url}/dashboard/snapshot?activity=${activityId}&token=wrong-token`);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ code: 'FORBIDDEN', message: expect.any(String) });
    expect((await fetch(`${gateway.url}/dashboard`)).status).toBe(200);
  });

  it('when a viewer leaves, then its place is free again', async () => {
    viewers.pop()!.request.destroy();
    await eventually(async () => {
      const again = await openViewer();
      if (again.status !== 200) throw new Error(`still ${again.status}`);
      viewers.push(again.viewer);
    });
  });
});
