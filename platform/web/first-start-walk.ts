/**
 * A user's first minutes with the markets view, for the first-start browser test and benchmark: the services
 * `npm start` runs for it, a tab of a browser already open, and the walk through the five intervals until each
 * chart has 100+ bars.
 */
import type { Browser, Page } from 'playwright-core';
import { marketFeedService } from '../../collectors/market/feed-service.ts';
import { marketDataService } from '../market-data/service.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';
import { webAppService } from './service.ts';

export const intervals = ['1s', '1m', '5m', '1h', '1d'] as const;

/**
 * The services `npm start` runs for the markets view, keeping their state (feed prices, bars) in `dir`. The web app
 * is built first here (`npm start` builds it last) so that the page opens while the feed is still backfilling: the
 * chart must fill when its symbol's history lands, not only when it was stored before the page asked.
 */
export const startMarkets = (dir: string): Promise<TestPlatform> =>
  startTestPlatform(dir, [webAppService(), marketFeedService(), marketDataService()]);

export const chartNumber = async (page: Page, name: string): Promise<number> =>
  Number(await page.locator('#chart').getAttribute(`data-${name}`));

/** Polls the chart's data attribute until it reaches `atLeast` (the CSP forbids page.waitForFunction's eval). */
export async function chartReaches(page: Page, name: string, atLeast: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await chartNumber(page, name);
    if (value >= atLeast) return value;
    if (Date.now() > deadline)
      throw new Error(`chart data-${name} is ${String(value)}, not ${String(atLeast)}, after ${String(timeoutMs)} ms`);
    await page.waitForTimeout(50);
  }
}

/** A tab of the browser the user already has open (its start is not part of waiting for the app). */
export const newTab = async (browser: Browser): Promise<Page> =>
  (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();

export async function openChart(page: Page, platform: TestPlatform, interval: string): Promise<Page> {
  await page.goto(`${platform.url}/#/markets?s=AAPL&i=${interval}`);
  await page.locator('.connection[data-state="connected"]').waitFor({ timeout: 20_000 });
  return page;
}

export interface FullChart {
  readonly interval: (typeof intervals)[number];
  readonly bars: number;
  /** Since `since` (performance.now()). */
  readonly seconds: number;
}

/** Shows each interval in turn and waits for its chart to have 100+ bars. */
export async function fillEveryInterval(page: Page, since: number): Promise<FullChart[]> {
  const full: FullChart[] = [];
  for (const interval of intervals) {
    await page.locator(`.intervals button[data-interval="${interval}"]`).click();
    await page.locator(`#chart[data-interval="${interval}"]`).waitFor({ timeout: 10_000 });
    const bars = await chartReaches(page, 'bars', 100, 30_000);
    full.push({ interval, bars, seconds: (performance.now() - since) / 1000 });
  }
  return full;
}

/**
 * Seconds from `sinceEpochMs` to the page's milestones: its navigation (request sent, HTML received, DOM parsed),
 * then the app's own marks (client/milestones.ts: script, identity, welcome, rendered, chart).
 */
export async function pageMilestones(page: Page, sinceEpochMs: number): Promise<Record<string, number>> {
  const json = await page.evaluate<string>(
    `JSON.stringify({ origin: performance.timeOrigin, navigation: performance.getEntriesByType('navigation')[0] ?? {},
      marks: performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]) })`,
  );
  const { origin, navigation, marks } = JSON.parse(json) as {
    origin: number;
    navigation: Record<string, unknown>;
    marks: [string, number][];
  };
  const since = (ms: unknown): number => Math.round(origin + Number(ms) - sinceEpochMs) / 1000;
  return {
    request: since(navigation.requestStart),
    html: since(navigation.responseEnd),
    dom: since(navigation.domContentLoadedEventEnd),
    ...Object.fromEntries(
      marks.filter(([name]) => name.startsWith('insitechart:')).map(([name, at]) => [name.slice(12), since(at)]),
    ),
  };
}
