/**
 * A fresh clone's first start as a user meets it (the simulated feed backfilling its history while the chart is
 * already open), then a restart: prices go on from where they were and no stored bar is rewritten.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { marketFeedService } from '../../collectors/market/feed-service.ts';
import type { Bar } from '../market-data/bars/aggregator.ts';
import { marketDataService } from '../market-data/service.ts';
import { apiFetch } from '../testing/api-client.ts';
import { peerSkipReason } from '../testing/peers.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';
import { CHROMIUM, launchChromium } from './browser.ts';
import { webAppService } from './service.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');
const dir = mkdtempSync(join(tmpdir(), 'web-first-start-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const intervals = ['1s', '1m', '5m', '1h', '1d'] as const;

/**
 * The services `npm start` runs for the markets view, keeping their state (feed prices, bars) in `dir`. The web app
 * is built first here (`npm start` builds it last) so that the page opens while the feed is still backfilling: the
 * chart must fill when its symbol's history lands, not only when it was stored before the page asked.
 */
const start = (): Promise<TestPlatform> =>
  startTestPlatform(dir, [webAppService(), marketFeedService(), marketDataService()]);

const chartNumber = async (page: Page, name: string): Promise<number> =>
  Number(await page.locator('#chart').getAttribute(`data-${name}`));

/** Polls the chart's data attribute until it reaches `atLeast` (the CSP forbids page.waitForFunction's eval). */
async function chartReaches(page: Page, name: string, atLeast: number, timeoutMs: number): Promise<number> {
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
const newTab = async (browser: Browser): Promise<Page> =>
  (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();

async function openChart(page: Page, platform: TestPlatform, interval: string): Promise<Page> {
  await page.goto(`${platform.url}/#/markets?s=AAPL&i=${interval}`);
  await page.locator('.connection[data-state="connected"]').waitFor({ timeout: 20_000 });
  return page;
}

async function stored(platform: TestPlatform, interval: string): Promise<Bar[]> {
  const response = await apiFetch(platform, `/api/history/AAPL?interval=${interval}&limit=5000`, { as: 'viewer' });
  assert.equal(response.status, 200);
  return ((await response.json()) as { bars: Bar[] }).bars;
}

const shownPrice = async (page: Page): Promise<number> =>
  Number(((await page.locator('tr[data-symbol="AAPL"] td.price').textContent()) ?? '').replaceAll(',', ''));

describe('first start and restart in headless Chromium', { skip: skip ?? false }, () => {
  it('shows 100+ bars at every interval right after a first start; a restart continues prices and keeps every bar', async (t) => {
    const browser = await launchChromium();
    let platform: TestPlatform | undefined;
    try {
      const tab = await newTab(browser);
      const started = performance.now();
      platform = await start();
      const up = performance.now();
      const page = await openChart(tab, platform, '1s');
      const connected = performance.now();
      const full: string[] = [];
      for (const interval of intervals) {
        await page.locator(`.intervals button[data-interval="${interval}"]`).click();
        await page.locator(`#chart[data-interval="${interval}"]`).waitFor({ timeout: 10_000 });
        const bars = await chartReaches(page, 'bars', 100, 30_000);
        full.push(`${interval} ${String(bars)} bars at ${((performance.now() - up) / 1000).toFixed(2)} s`);
      }
      const feed = (await (await apiFetch(platform, '/api/market/feed', { as: 'viewer' })).json()) as {
        details: { backfillMs?: number };
      };
      const load = loadavg().map((l) => l.toFixed(1));
      t.diagnostic(
        `platform up in ${((up - started) / 1000).toFixed(2)} s, page connected ${((connected - up) / 1000).toFixed(2)} s ` +
          `later; charts full (after the platform is up): ${full.join(', ')}; backfill generated and stored in ` +
          `${String(feed.details.backfillMs)} ms; ` +
          `load average ${load.join(' ')}`,
      );

      // Live prices for a while, then a graceful stop (as a deployment's restart does).
      await page.locator('.intervals button[data-interval="1m"]').click();
      const updates = await chartNumber(page, 'updates');
      await chartReaches(page, 'updates', updates + 10, 20_000);
      const before = new Map<string, Bar[]>();
      for (const interval of intervals) before.set(interval, await stored(platform, interval));
      const lastShown = await shownPrice(page);
      const dayOpen = before.get('1d')?.at(-1)?.open;
      await page.context().close();
      await platform.stop();
      platform = undefined;

      const restarted = await start();
      platform = restarted;
      const tab2 = await newTab(browser);
      const reopened = performance.now();
      const again = await openChart(tab2, restarted, '1m');
      t.diagnostic(
        `after the restart (no backfill) the page connected in ${((performance.now() - reopened) / 1000).toFixed(2)} s`,
      );
      await chartReaches(again, 'updates', 1, 20_000);
      await again.locator('tr[data-symbol="AAPL"][data-direction]').waitFor({ timeout: 20_000 });
      const firstShown = await shownPrice(again);
      t.diagnostic(`AAPL last shown before the restart ${String(lastShown)}, first after ${String(firstShown)}`);
      assert.ok(Math.abs(firstShown / lastShown - 1) < 0.01, `no jump: ${String(lastShown)} -> ${String(firstShown)}`);
      assert.ok((await chartNumber(again, 'bars')) >= 100, 'the chart is full after the restart');
      for (const interval of intervals) {
        const kept = new Map((await stored(restarted, interval)).map((b) => [b.start, b]));
        // The newest bar of each interval was still open at the stop: it goes on, the others stay as they were.
        for (const bar of (before.get(interval) ?? []).slice(0, -1))
          assert.deepEqual(kept.get(bar.start), bar, `${interval} bar at ${new Date(bar.start).toISOString()}`);
      }
      assert.equal((await stored(restarted, '1d')).at(-1)?.open, dayOpen, "the day's open survives the restart");
    } finally {
      await browser.close();
      await platform?.stop();
    }
  });
});
