import { Admin, Kafka } from 'kafkajs';
import { Browser, Page } from 'playwright-core';
import { loadConfig } from '@app/config';
import { TOPICS, timeoutTopic } from '@app/contracts';
import { createActivity, purchase } from '../support/api';
import { TestClients, range } from '../support/clients';
import { chartData, glyphWidths, launchChromium, renderedFonts } from '../support/dashboard-page';
import { eventually } from '../support/eventually';
import { ServiceProcess } from '../support/service-process';

const STOCK = 200;
const BUYERS = 150;
/**
 * The services of this spec use one delay level of their own, as long as the pay timeout: every order has
 * exactly one timeout message, in a topic nothing else writes to, so the page's timeout figures can be
 * compared with this sale's orders exactly.
 */
const PAY_TIMEOUT_SECONDS = 17;
const TIMEOUT_TOPIC = timeoutTopic(PAY_TIMEOUT_SECONDS);

describe('the live dashboard (headless Chromium against real services)', () => {
  let services: ServiceProcess[] = [];
  let browser: Browser;
  let clients: TestClients;
  let admin: Admin;
  let page: Page;
  let activityId: number;
  let burstAt: number;
  let openedAt: number;
  const env = { TIMEOUT_DELAY_LEVELS_SECONDS: String(PAY_TIMEOUT_SECONDS) };
  // The order-service and cancel-service have a second level, one second longer: the timeouts of orders
  // that other specs' leftover requests become here (longer pay windows) wait there, not in this spec's
  // topic, which the gateway alone measures.
  const consumers = { TIMEOUT_DELAY_LEVELS_SECONDS: `${PAY_TIMEOUT_SECONDS},${PAY_TIMEOUT_SECONDS + 1}` };

  beforeAll(async () => {
    clients = await TestClients.connect();
    admin = new Kafka({ brokers: loadConfig().KAFKA_BROKERS, logLevel: 0 }).admin();
    await admin.connect();
    services = [
      await ServiceProcess.start('gateway', env),
      ...(await ServiceProcess.startAll(['order-service', 'cancel-service'], consumers)),
    ];
    browser = await launchChromium();
    // A quiet start: order requests other specs left in Kafka become orders here, and their timeouts
    // (in this spec's level) fire and are handled, before this spec's sale begins.
    await eventually(async () => expect(await uncommitted('order-service', TOPICS.orderRequests)).toBe(0), {
      timeoutMs: 30_000,
    });
    await eventually(async () => expect(await uncommitted('cancel-service', TIMEOUT_TOPIC)).toBe(0), {
      timeoutMs: (PAY_TIMEOUT_SECONDS + 20) * 1000,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(services.map((s) => s.stop()));
    await admin?.disconnect();
    await clients?.close();
  });

  const gateway = () => services[0].url;
  const text = (id: string) => page.locator(`#${id}`).textContent();
  const figure = async (id: string) => Number(await text(id));

  /** Messages of a topic that a consumer group has not committed yet. */
  async function uncommitted(groupId: string, topic: string): Promise<number> {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    return ends.reduce((sum, p) => {
      const done = Number(committed.partitions.find((c) => c.partition === p.partition)?.offset ?? -1);
      return sum + Number(p.high) - (done >= 0 ? done : Number(p.low));
    }, 0);
  }
  const uncommittedTimeouts = () => uncommitted('cancel-service', TIMEOUT_TOPIC);

  const countOrders = async (where: string) =>
    Number(
      (
        await clients.db.query(`SELECT count(*) AS n FROM orders WHERE activity_id = $1 AND ${where}`, [
          activityId,
        ])
      )[0].n,
    );

  it('when the page is opened after the burst, then its charts draw the sale from its start', async () => {
    activityId = (
      await createActivity(gateway(), {
        name: 'dashboard sale',
        stock: STOCK,
        payTimeoutSeconds: PAY_TIMEOUT_SECONDS,
      })
    ).id;
    // Nobody watches: the gateway records the open activity on its own.
    const recorded = async () => {
      const res = await fetch(`${gateway()}/dashboard/history?activity=${activityId}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { points: { activity: { remaining: number } }[] };
      return body.points;
    };
    await eventually(async () => expect((await recorded()).length).toBeGreaterThan(0));
    burstAt = Date.now();
    const replies = await Promise.all(
      range(BUYERS).map((i) => purchase(gateway(), activityId, `viewer-${i}`)),
    );
    expect(replies.filter((r) => r.status === 202)).toHaveLength(BUYERS);
    await eventually(async () => expect(await countOrders('true')).toBe(BUYERS));
    await eventually(async () => expect((await recorded()).at(-1)?.activity.remaining).toBe(STOCK - BUYERS));

    openedAt = Date.now();
    page = await browser.newPage();
    await page.goto(`${gateway()}/dashboard?activity=${activityId}`);
    await eventually(async () => expect(await text('remaining')).toBe(String(STOCK - BUYERS)));
    await expect(text('activity-name')).resolves.toContain('dashboard sale');

    const charts = await chartData(page);
    const before = (at: number[], t: number) => at.filter((a) => a < t).length;
    // The stock chart starts before the burst at the full stock and shows the drop, all before the page opened.
    const stock = charts.stock.series.remaining;
    expect(charts.stock.at[0]).toBeLessThan(burstAt);
    expect(stock[0]).toBe(STOCK);
    expect(stock.slice(0, before(charts.stock.at, openedAt))).toContain(STOCK - BUYERS);
    // The answers chart holds the burst's admissions (a rate per second, spread over one or two points).
    const admitted = charts.purchases.series.OK ?? [];
    const seconds = (i: number) => (charts.purchases.at[i] - charts.purchases.at[i - 1]) / 1000;
    const burst = admitted
      .slice(1, before(charts.purchases.at, openedAt))
      .reduce((sum, rate, i) => sum + rate * seconds(i + 1), 0);
    expect(burst).toBeGreaterThan(BUYERS * 0.9);
    expect(burst).toBeLessThan(BUYERS * 1.1);
  });

  it('when timeouts are scheduled and then fall due, then the page tells the two apart as PostgreSQL and Kafka do', async () => {
    const card = (id: string) => page.locator(`.card:has(#${id})`).textContent();
    await expect(card('timeouts-due')).resolves.toMatch(/due, not yet handled/);
    await expect(card('timeouts-scheduled')).resolves.toMatch(/scheduled, not yet due/);

    // A healthy sale before the pay timeout: every order's timeout is scheduled and none is due.
    await eventually(async () => {
      expect(await figure('timeouts-due')).toBe(0);
      expect(await figure('timeouts-scheduled')).toBe(BUYERS);
    });
    expect(await countOrders(`status = 'PENDING' AND expires_at > now()`)).toBe(BUYERS);
    expect(await uncommittedTimeouts()).toBe(BUYERS);

    // Nobody cancels: once the orders expire, their timeouts are due and not handled.
    const cancelService = services[2];
    await cancelService.stop();
    await eventually(
      async () => expect(await countOrders(`expires_at < now() - interval '1 second'`)).toBe(BUYERS),
      {
        timeoutMs: (PAY_TIMEOUT_SECONDS + 10) * 1000,
      },
    );
    await eventually(async () => {
      expect(await figure('timeouts-due')).toBe(BUYERS);
      expect(await figure('timeouts-scheduled')).toBe(0);
    });
    expect(await countOrders(`status = 'PENDING' AND expires_at < now()`)).toBe(BUYERS);
    expect(await uncommittedTimeouts()).toBe(BUYERS);
    const lag = (await chartData(page)).lag.series;
    expect(Object.keys(lag)).toEqual([
      'order requests',
      'timeouts due, not yet handled',
      'timeouts scheduled, not yet due',
    ]);
    expect(lag['timeouts due, not yet handled'].at(-1)).toBe(BUYERS);

    // cancel-service is back: it handles what was due, and the stock returns.
    services[2] = await ServiceProcess.start('cancel-service', consumers);
    await eventually(async () => expect(await figure('orders-cancelled')).toBe(BUYERS), {
      timeoutMs: 30_000,
    });
    await eventually(async () => {
      expect(await figure('timeouts-due')).toBe(0);
      expect(await text('remaining')).toBe(String(STOCK));
    });
    await clients.expectReconciled(activityId);
  });

  it('when the machine has no CJK font, then the title shows 秒杀 in the font shipped with the page', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${gateway()}/dashboard`);
    await fresh.evaluate(() => (globalThis as any).document.fonts.ready);
    const fonts = await renderedFonts(fresh, 'h1');
    const shipped = fonts.filter((f) => f.isCustomFont);
    expect(shipped).toEqual([expect.objectContaining({ familyName: expect.stringMatching(/CJK/) })]);
    expect(shipped[0].glyphCount).toBeGreaterThanOrEqual(2);
    // CJK glyphs are square (1 em wide); a missing glyph's box is not.
    const widths = await glyphWidths(fresh, 'h1', 2);
    for (const width of widths.text) {
      expect(width).toBeCloseTo(1, 1);
      expect(Math.abs(width - widths.tofu)).toBeGreaterThan(0.05);
    }
  });
});
