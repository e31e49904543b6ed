import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startEntrypoint, waitForOutput, type Started } from '../testing/process.ts';
import { freePort, peerSkipReason } from '../testing/peers.ts';
import { CHROMIUM, launchChromium } from './browser.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');

const dataDir = mkdtempSync(join(tmpdir(), 'web-app-'));
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function startServer(port: number): Started {
  return startEntrypoint('platform/main.ts', {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    MARKET_TICK_INTERVAL_MS: '100',
  });
}

const chart = (page: Page, name: string) => page.locator('#chart').getAttribute(`data-${name}`);
const state = (page: Page) => page.locator('.connection').getAttribute('data-state');

/**
 * Polls a numeric data attribute of the chart until it passes `than` (from Node: the page's CSP rightly
 * forbids the string evaluation page.waitForFunction would need here), returning the value.
 */
async function chartPast(page: Page, name: string, than: number, timeout = 15_000): Promise<number> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = Number(await chart(page, name));
    if (value > than) return value;
    if (Date.now() > deadline)
      throw new Error(
        `chart data-${name} stayed at ${String(value)}, not past ${String(than)}, for ${String(timeout)} ms`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
const chartUpdatesPast = (page: Page, than: number) => chartPast(page, 'updates', than);

describe('the web app in headless Chromium', { skip: skip ?? false }, () => {
  it('loads without console errors, charts live, survives going offline (resume) and a server restart (fresh session)', async () => {
    const port = await freePort();
    let server = startServer(port);
    const browser = await launchChromium();
    const errors: string[] = [];
    let outage = false;
    try {
      const [, url] = await waitForOutput(server, /InsiteChart is up at (http:\/\/[\d.]+:\d+)\//, 90_000);
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      page.on('console', (message) => {
        // While the server is down the browser itself logs each refused WebSocket connection.
        const refused =
          outage &&
          /WebSocket connection to .* failed|Failed to load resource: net::ERR_CONNECTION_REFUSED/.test(message.text());
        if (message.type() === 'error' && !refused) errors.push(message.text());
      });
      page.on('pageerror', (error) => {
        errors.push(`uncaught: ${error.message}`);
      });

      await page.goto(`${String(url)}/#/markets?s=AAPL&i=1s`);
      await page.locator('.connection[data-state="connected"]').waitFor({ timeout: 15_000 });
      assert.equal(await page.locator('nav.views a[aria-current="page"]').textContent(), 'Markets');
      assert.equal(await chart(page, 'symbol'), 'AAPL');
      assert.equal(await chart(page, 'interval'), '1s');

      // Live: the open candle is revised and new one-second candles are appended.
      const firstUpdates = await chartUpdatesPast(page, 0);
      await chartPast(page, 'bars', 2);
      const start = Number(await chart(page, 'last-start'));
      await chartUpdatesPast(page, firstUpdates + 5);
      await chartPast(page, 'last-start', start); // a newer candle was drawn
      assert.match(
        (await page.locator('tr[data-symbol="AAPL"] .price').textContent()) ?? '',
        /^\d[\d,]*\.\d\d$/,
        'the quote table shows a price',
      );
      await page.locator('tr[data-symbol="AAPL"] .price[data-flash]').waitFor({ timeout: 10_000 }); // flashed on a price move
      assert.match(
        (await page.locator('tr[data-symbol="AAPL"] td').nth(2).textContent()) ?? '',
        /%$/,
        'change % column',
      );
      assert.deepEqual(errors, [], 'no console errors on load');

      // Interval switching: a snapshot of the new series replaces the chart.
      await page.locator('.intervals button[data-interval="1m"]').click();
      await page.locator('#chart[data-interval="1m"]').waitFor({ timeout: 10_000 });
      await chartPast(page, 'bars', 0);
      assert.match(page.url(), /#\/markets\?s=AAPL&i=1m$/);

      // Search (debounced, against the API) adds a symbol to the watchlist, which survives a reload.
      await page.locator('#symbol-search').fill('xle');
      await page.locator('#symbol-results li[data-symbol="XLE"]').click({ timeout: 10_000 });
      await page.locator('#chart[data-symbol="XLE"]').waitFor({ timeout: 10_000 });
      await page.locator('tr[data-symbol="XLE"][aria-selected="true"]').waitFor();
      await page.locator('tr[data-symbol="JPM"] button.remove').click();
      await page.reload();
      await page.locator('.connection[data-state="connected"]').waitFor({ timeout: 15_000 });
      assert.equal(await page.locator('tr[data-symbol="XLE"]').count(), 1, 'the added symbol was persisted');
      assert.equal(await page.locator('tr[data-symbol="JPM"]').count(), 0, 'the removed one too');
      await page.locator('tr[data-symbol="AAPL"]').click();
      await page.locator('.intervals button[data-interval="1s"]').click();
      await page.locator('#chart[data-symbol="AAPL"][data-interval="1s"]').waitFor({ timeout: 10_000 });
      await chartUpdatesPast(page, Number(await chart(page, 'updates')));

      // The browser goes offline and back: the indicator says so, and the session resumes without a gap.
      const session = await page.locator('.connection').getAttribute('data-session');
      await context.setOffline(true);
      await page.locator('.connection[data-state="offline"]').waitFor({ timeout: 5_000 });
      await context.setOffline(false);
      await page.locator('.connection[data-state="connected"]').waitFor({ timeout: 15_000 });
      assert.equal(await page.locator('.connection').getAttribute('data-resumed'), 'true', 'resumed the session');
      assert.equal(await page.locator('.connection').getAttribute('data-session'), session);
      await chartUpdatesPast(page, Number(await chart(page, 'updates')));
      assert.doesNotMatch(
        (await page.locator('.problem').textContent()) ?? '',
        /gap/,
        'no sequence gap after resuming',
      );

      // The server dies and comes back on the same port: reconnecting, then a fresh session with snapshots.
      outage = true;
      server.child.kill('SIGKILL');
      await server.exited;
      await page.locator('.connection[data-state="reconnecting"]').waitFor({ timeout: 10_000 });
      const beforeRestart = Number(await chart(page, 'updates'));
      server = startServer(port);
      await waitForOutput(server, /InsiteChart is up at/, 30_000);
      await page.locator('.connection[data-state="connected"]').waitFor({ timeout: 30_000 });
      outage = false;
      assert.notEqual(
        await page.locator('.connection').getAttribute('data-session'),
        session,
        'a new session after the restart',
      );
      const restartedAt = Number(await chart(page, 'last-start'));
      await chartUpdatesPast(page, beforeRestart + 5);
      await chartPast(page, 'last-start', restartedAt);
      assert.equal(await state(page), 'connected');
      assert.deepEqual(errors, [], 'no console errors after reconnecting');
    } finally {
      await browser.close();
      server.child.kill('SIGKILL');
      await server.exited;
    }
  });
});
