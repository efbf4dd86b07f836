// `npm run demo`: a whole flash sale, watched from the terminal. Brings the local stack up (unless
// --no-stack, as in docker compose), creates an activity, releases a burst of buyers, lets some pay,
// some pay too late (through the payment provider: refunded) and some never pay, prints progress, then a summary with every invariant ✓ or ✗.
// Exit code 0 only when every invariant holds. --defences: the activity asks a purchase token and a
// proof-of-work of DEMO_CHALLENGE_BITS (default 10) bits, and every buyer goes through them.
// --screenshot <file.png>: once unpaid orders start timing out, a headless Chromium (CHROMIUM_PATH) opens
// the live dashboard and saves what it shows (`npm run demo:screenshot` makes docs/dashboard.png so).
import 'reflect-metadata';
import Redis from 'ioredis';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '@app/config';
import { createDataSource } from '@app/database';
import { providerStatement, settleAndCheck } from '@app/reconcile';
import { SeckillApi } from '../../test/support/seckill-api';
import { Progress } from './progress';
import { SaleFigures, printSummary } from './summary';
import { runCrowd } from './crowd';
import { shootDashboard } from './dashboard-shot';

const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const BUYERS = Number(env('DEMO_BUYERS', '3000'));
const STOCK = Number(env('DEMO_STOCK', '100'));
const PAY_TIMEOUT_SECONDS = Number(env('DEMO_PAY_TIMEOUT_SECONDS', '10'));
const DEFENCES = process.argv.includes('--defences');
const CHALLENGE_BITS = Number(env('DEMO_CHALLENGE_BITS', '10'));
const SCREENSHOT = process.argv.includes('--screenshot')
  ? process.argv[process.argv.indexOf('--screenshot') + 1]
  : undefined;

/**
 * Waits (a few seconds at most) until the gateway has recorded the new activity, so that its dashboard
 * shows the sale from before the burst even to a page opened later. Without access (DASHBOARD_TOKEN), skips.
 */
async function untilRecorded(gateway: string, activityId: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${gateway}/dashboard/history?activity=${activityId}`).catch(() => null);
    if (!res || res.status !== 200) return;
    if (((await res.json()) as { points: unknown[] }).points.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function main(): Promise<number> {
  if (!process.argv.includes('--no-stack')) {
    const up = spawnSync('bash', [join(__dirname, '../../../scripts/stack.sh'), 'up'], { stdio: 'inherit' });
    if (up.status !== 0) return up.status ?? 1;
  }
  const config = loadConfig();
  const client = new SeckillApi(config, {
    gateway: process.env.DEMO_GATEWAY_URL,
    orderService: process.env.DEMO_ORDER_SERVICE_URL,
  });
  const redis = new Redis(config.REDIS_URL);
  const db = await createDataSource(config).initialize();
  try {
    const activity = {
      id: await client.createActivity({
        name: `demo sale of ${new Date().toISOString().slice(11, 19)}`,
        stock: STOCK,
        payTimeoutSeconds: PAY_TIMEOUT_SECONDS,
        ...(DEFENCES ? { purchaseToken: true, challengeBits: CHALLENGE_BITS } : {}),
      }),
    };
    console.log(
      `\n秒杀 demo: activity #${activity.id}, ${STOCK} items, ${BUYERS} buyers, pay within ${PAY_TIMEOUT_SECONDS} s` +
        (DEFENCES ? `, purchase token + ${CHALLENGE_BITS}-bit challenge` : ''),
    );
    const dashboard = env('DEMO_DASHBOARD_URL', `${client.gateway}/dashboard`);
    console.log(`  live dashboard: ${dashboard}?activity=${activity.id}\n`);

    let admitted = 0;
    await untilRecorded(client.gateway, activity.id);
    const progress = new Progress(redis, db, activity.id, () => admitted);
    progress.start();
    // Two seconds after the first timeouts fired: the burst, payments and cancellations all on the page.
    const shot = SCREENSHOT
      ? shootDashboard(`${dashboard}?activity=${activity.id}`, SCREENSHOT, () =>
          progress.samples.some((s, i, all) => s.cancelled > 0 && all.length - i > 2),
        ).then(
          () => null,
          (err: Error) => err,
        )
      : undefined;
    const crowd = await runCrowd(client, db, activity.id, BUYERS, () => admitted++, DEFENCES);
    const failed = await shot;
    if (failed) throw new Error(`the dashboard screenshot failed: ${failed.message}`);
    if (shot) console.log(`  dashboard screenshot: ${SCREENSHOT}`);
    progress.stop();
    await progress.sample();

    const { report } = await settleAndCheck(
      { redis, db, activityId: activity.id, statement: providerStatement(config) },
      { settleMs: 30_000 },
    );
    const [writes] = await db.query(
      `SELECT count(*)::int AS orders, count(DISTINCT created_at)::int AS statements,
              extract(epoch FROM max(created_at) - min(created_at)) * 1000 AS spread_ms
       FROM orders WHERE activity_id = $1`,
      [activity.id],
    );
    const figures: SaleFigures = {
      activityId: activity.id,
      stock: STOCK,
      buyers: BUYERS,
      crowd,
      writes,
      report,
    };
    return printSummary(figures) ? 0 : 1;
  } finally {
    client.close();
    redis.disconnect();
    await db.destroy();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`demo: ${err instanceof Error ? err.message : err}`);
    process.exitCode = 1;
  },
);
