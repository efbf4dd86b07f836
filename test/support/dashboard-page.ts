import { Browser, Page, chromium } from 'playwright-core';

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

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  });
}

/** One chart's data as the page drew it: each point's snapshot time (ms) and each dataset's values. */
export interface ChartData {
  at: number[];
  series: Record<string, number[]>;
}

/** Reads the page's charts (dashboard.html exposes them on window.dashboard for exactly this). */
export function chartData(page: Page): Promise<Record<string, ChartData>> {
  return page.evaluate(() => {
    const { charts, snapshots } = (globalThis as any).dashboard as {
      charts: Record<string, { data: { datasets: { label: string; data: number[] }[] } }>;
      snapshots: { at: number }[];
    };
    const at = snapshots.map((s) => s.at);
    return Object.fromEntries(
      Object.entries(charts).map(([name, chart]) => [
        name,
        { at, series: Object.fromEntries(chart.data.datasets.map((d) => [d.label, [...d.data]])) },
      ]),
    );
  });
}

/**
 * The fonts Chromium rendered an element's text with (DevTools protocol): a name, whether it came
 * with the page (a web font) and how many glyphs it drew.
 */
export async function renderedFonts(
  page: Page,
  selector: string,
): Promise<{ familyName: string; isCustomFont: boolean; glyphCount: number }[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    return (await cdp.send('CSS.getPlatformFontsForNode', { nodeId })).fonts;
  } finally {
    await cdp.detach();
  }
}

/**
 * Widths, in em, of the first `count` characters of an element's text as laid out, and of a character no
 * font has (U+10FFFD, a private-use code point): what a missing glyph's box measures on this machine.
 */
export function glyphWidths(
  page: Page,
  selector: string,
  count: number,
): Promise<{ text: number[]; tofu: number }> {
  // Runs in the page: the DOM's globals, untyped here (the specs are compiled without the DOM library).
  return page.evaluate(
    ({ selector, count }) => {
      const { document, getComputedStyle } = globalThis as any;
      const element = document.querySelector(selector);
      const size = parseFloat(getComputedStyle(element).fontSize);
      const widthOf = (node: unknown, start: number, end: number): number => {
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, end);
        return range.getBoundingClientRect().width / size;
      };
      const text = Array.from({ length: count }, (_, i) => widthOf(element.firstChild, i, i + 1));
      const probe = document.createElement('span');
      probe.textContent = '\u{10FFFD}';
      element.appendChild(probe);
      const tofu = widthOf(probe.firstChild, 0, probe.textContent.length);
      probe.remove();
      return { text, tofu };
    },
    { selector, count },
  );
}
