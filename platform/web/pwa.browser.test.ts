/**
 * The installed app without a network: the service worker serves the shell, the watchlist shows the last quotes, a
 * price alert created offline is queued and sent when the network returns.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { peerSkipReason } from '../testing/peers.ts';
import { CHROMIUM, launchChromium } from './browser.ts';
import { adminSession, openApp, showView, startViewsPlatform, waitForExpression } from './view-walk.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');
const dir = mkdtempSync(join(tmpdir(), 'web-pwa-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the app offline (service worker, kept quotes, queued alerts)', { skip: skip ?? false }, () => {
  it('opens offline with the watchlist and last quotes, queues an alert and syncs it when back online', async () => {
    const platform = await startViewsPlatform(dir);
    const browser = await launchChromium();
    try {
      const storageState = await adminSession(browser, platform);
      const page = await openApp(browser, platform, {
        storageState,
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      });
      const manifest = await page.request.get(`${platform.url}/manifest.webmanifest`);
      assert.equal(manifest.headers()['content-type'], 'application/manifest+json');
      const worker = await page.request.get(`${platform.url}/sw.js`);
      assert.equal(worker.headers()['cache-control'], 'no-cache');
      // Installed and controlling the page (clients.claim at activation).
      await waitForExpression(page, 'navigator.serviceWorker.controller !== null', 20_000);
      // Live quotes arrive and are kept (written at most every 2 s).
      await page.locator('table.quotes tr[data-symbol="AAPL"][data-direction]').waitFor({ timeout: 20_000 });
      await waitForExpression(page, "localStorage.getItem('insitechart.last-quotes.v1')?.includes('AAPL')", 10_000);
      const symbols = await page.locator('table.quotes tbody tr[data-symbol]').count();

      await page.context().setOffline(true);
      await page.reload();
      await page.locator('.connection[data-state="offline"]').waitFor({ timeout: 15_000 });
      assert.equal(await page.locator('table.quotes tbody tr[data-symbol]').count(), symbols);
      const price = await page.locator('table.quotes tr[data-symbol="AAPL"] td.price').textContent();
      assert.match(price ?? '', /\d+\.\d\d/, 'the last AAPL quote is shown offline');

      await showView(page, 'price-alerts');
      await page.getByLabel('Symbol', { exact: true }).selectOption('AAPL');
      await page.getByLabel('Threshold', { exact: true }).fill('9999');
      await page.getByRole('button', { name: 'Add price alert' }).click();
      await page.locator('.price-alerts-status', { hasText: 'Offline' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('.price-alert-queued li').count(), 1);

      await page.context().setOffline(false);
      await page
        .locator('.price-alert-rules li', { hasText: /AAPL rises above \$9,999\.00/ })
        .waitFor({ timeout: 20_000 });
      assert.equal(await page.locator('.price-alert-queued li').count(), 0);
      await page.context().close();
    } finally {
      await browser.close();
      await platform.stop();
    }
  });
});
