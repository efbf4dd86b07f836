import { Browser, chromium } from 'playwright-core';
import { createActivity, purchase } from '../support/api';
import { TestClients, range } from '../support/clients';
import { eventually } from '../support/eventually';
import { ServiceProcess } from '../support/service-process';

// Debian's Chromium (scripts/infra.sh browser); these flags keep it off the network and quiet as root.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('the live dashboard (headless Chromium against real services)', () => {
  let services: ServiceProcess[] = [];
  let browser: Browser;
  let clients: TestClients;

  beforeAll(async () => {
    clients = await TestClients.connect();
    services = await ServiceProcess.startAll(['gateway', 'order-service', 'cancel-service']);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_FLAGS,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(services.map((s) => s.stop()));
    await clients?.close();
  });

  it('when a sale runs, then the numbers and the charts on the page move', async () => {
    const [gateway] = services;
    const activity = await createActivity(gateway.url, {
      name: 'dashboard sale',
      stock: 200,
      payTimeoutSeconds: 4,
    });
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/dashboard?activity=${activity.id}`);
    const text = (id: string) => page.locator(`#${id}`).textContent();
    await eventually(async () => expect(await text('remaining')).toBe('200'));
    await expect(text('activity-name')).resolves.toContain('dashboard sale');

    const replies = await Promise.all(
      range(150).map((i) => purchase(gateway.url, activity.id, `viewer-${i}`)),
    );
    expect(replies.filter((r) => r.status === 202)).toHaveLength(150);

    await eventually(async () => expect(await text('remaining')).toBe('50'));
    // Nobody pays: the orders appear, then their timeouts fire and the stock comes back.
    await eventually(async () => expect(Number(await text('orders-cancelled'))).toBe(150), {
      timeoutMs: 20_000,
    });
    await eventually(async () => expect(await text('remaining')).toBe('200'), { timeoutMs: 20_000 });
    // Runs in the page: window.dashboard is exposed by dashboard.html for exactly this.
    const points = await page.evaluate(() => {
      const { charts } = (globalThis as any).dashboard as Record<
        string,
        Record<string, { data: { labels: unknown[] } }>
      >;
      return Object.fromEntries(
        Object.entries(charts).map(([name, chart]) => [name, chart.data.labels.length]),
      );
    });
    for (const count of Object.values(points)) expect(count).toBeGreaterThan(2);
    await clients.expectReconciled(activity.id);
  });
});
