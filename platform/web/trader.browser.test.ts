/**
 * What a trader meets: search offers only instruments with live data, analytics skip a watchlist symbol without data
 * (and say which) instead of failing, and a price alert placed on the chart (a click at a level) fires an in-app
 * notification and a marker on the chart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { instruments } from '../reference/instruments.ts';
import { apiFetch } from '../testing/api-client.ts';
import { peerSkipReason } from '../testing/peers.ts';
import { CHROMIUM, launchChromium } from './browser.ts';
import { settled } from './page-settled.ts';
import { chartNumber, chartReaches } from './first-start-walk.ts';
import { WATCHLIST_KEY } from './client/watchlist.ts';
import { adminSession, openApp, startViewsPlatform } from './view-walk.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');
const dir = mkdtempSync(join(tmpdir(), 'web-trader-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a trader in headless Chromium', { skip: skip ?? false }, () => {
  it('search offers only live instruments; analytics skip one without data; an alert placed on the chart fires', async () => {
    const platform = await startViewsPlatform(dir);
    const browser = await launchChromium();
    try {
      const live = (await (await apiFetch(platform, '/api/market/instruments', { as: 'viewer' })).json()) as {
        instruments: { symbol: string }[];
      };
      const dead = instruments.find((i) => !live.instruments.some((l) => l.symbol === i.symbol))?.symbol;
      assert.ok(dead !== undefined, 'the catalog has instruments without a live source');
      const storageState = await adminSession(browser, platform);
      const page = await openApp(browser, platform, { storageState, viewport: { width: 1280, height: 800 } });
      const errors: string[] = [];
      page.on('console', (message) => {
        // Right after a start the analytics API may answer 422 (too few points yet): the view says so.
        if (message.type() === 'error' && !/status of 422/.test(message.text())) errors.push(message.text());
      });
      page.on('pageerror', (error) => {
        errors.push(`uncaught: ${error.message}`);
      });

      const search = page.locator('#symbol-search');
      const answered = page.waitForResponse((r) => r.url().includes(`/api/market/instruments?q=${dead}`));
      await search.fill(dead);
      assert.equal((await answered).status(), 200);
      await settled(page, '#symbol-results'); // drawn
      assert.equal(await page.locator(`#symbol-results li[data-symbol="${dead}"]`).count(), 0, `${dead} not offered`);
      await search.fill('AAP');
      await page.locator('#symbol-results li[data-symbol="AAPL"]').waitFor({ timeout: 10_000 });
      await search.fill('');

      // A watchlist symbol without data (kept from an earlier feed, say): analytics leave it out and say so.
      await page.evaluate(
        `localStorage.setItem('${WATCHLIST_KEY}', '${JSON.stringify(['AAPL', 'NVDA', dead, 'SPY'])}')`,
      );
      await page.goto(`${platform.url}/#/analytics`);
      await page.reload();
      await page.locator('.analytics-skipped', { hasText: dead }).waitFor({ timeout: 30_000 });
      await page.locator('.analytics-heatmap svg').first().waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('.view-analytics .problem').count(), 0, 'no panel failed');

      await page.goto(`${platform.url}/#/markets?s=AAPL&i=1s`);
      await page.locator('tr[data-symbol="AAPL"][data-direction]').waitFor({ timeout: 20_000 });
      await chartReaches(page, 'updates', (await chartNumber(page, 'updates')) + 3, 20_000);
      const chart = page.locator('#chart');
      const box = await chart.boundingBox();
      assert.ok(box !== null);
      // At the last close: the bid-ask bounce of the next trades crosses it within seconds, whichever side it is on.
      const y = await chartNumber(page, 'last-y');
      await page.locator('button.place-alert').click();
      await chart.click({ position: { x: box.width / 2, y } });
      await page.locator('.notice', { hasText: 'AAPL' }).waitFor({ timeout: 10_000 });
      await chartReaches(page, 'alert-lines', 1, 10_000);

      const toast = page.locator('.toasts .toast', { hasText: 'AAPL' });
      await toast.waitFor({ timeout: 45_000 });
      assert.match((await toast.textContent()) ?? '', /AAPL crossed (above|below) \d+(\.\d+)? \(now \d/);
      await chartReaches(page, 'markers', 1, 10_000);
      assert.deepEqual(errors, [], 'no console errors');
      await page.context().close();
    } finally {
      await browser.close();
      await platform.stop();
    }
  });
});
