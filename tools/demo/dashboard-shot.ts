import { launchChromium } from '../../test/support/dashboard-page';
import { eventually } from '../../test/support/eventually';

interface InPage {
  dashboard: { snapshots: unknown[] };
  document: { fonts: { ready: Promise<unknown> } };
}

/** Sized for the README: the cards and the four charts, nothing below them. */
const VIEWPORT = { width: 1100, height: 600 };

/**
 * Saves a screenshot of the dashboard to `path` once `ready()` says the sale has reached the moment to
 * show. The page opens only then, like a viewer who comes late: what it draws before that moment comes
 * from the gateway's recorded history.
 */
export async function shootDashboard(url: string, path: string, ready: () => boolean): Promise<void> {
  await eventually('the moment of the screenshot', () => ready(), { timeoutMs: 120_000, intervalMs: 250 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(url);
    // Runs in the page (window.dashboard is dashboard.html's): its history drawn, its fonts loaded.
    await page.waitForFunction(() => (globalThis as unknown as InPage).dashboard.snapshots.length > 1);
    await page.evaluate(() => (globalThis as unknown as InPage).document.fonts.ready);
    await page.screenshot({ path, fullPage: true });
  } finally {
    await browser.close();
  }
}
