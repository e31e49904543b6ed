/**
 * A first visit asks for who-am-I and the live instruments once, also when the service worker takes over the page
 * meanwhile, and still keeps them for an offline start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { marketFeedService } from '../../collectors/market/feed-service.ts';
import { SimulatedFeed } from '../../collectors/market/simulated-feed.ts';
import { symbolUniverse } from '../../collectors/market/simulation/universe.ts';
import { marketDataService } from '../market-data/service.ts';
import { peerSkipReason } from '../testing/peers.ts';
import { startTestPlatform } from '../testing/platform.ts';
import { CHROMIUM, launchChromium } from './browser.ts';
import { webAppService } from './service.ts';
import { waitForExpression } from './view-walk.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');
const dir = mkdtempSync(join(tmpdir(), 'web-first-visit-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const counted = ['/api/identity/me', '/api/market/instruments'] as const;

describe('a first visit in headless Chromium', { skip: skip ?? false }, () => {
  it('asks for who-am-I and the live instruments once, and keeps them for an offline start', async () => {
    // Without a backfill (not what is counted here): the platform starts in a few seconds.
    const feed = new SimulatedFeed({ instruments: symbolUniverse(20), seed: 7, stepMs: 100, clock: 'regular' });
    const platform = await startTestPlatform(dir, [webAppService(), marketFeedService({ feed }), marketDataService()]);
    const requests = new Map<string, number>(counted.map((path) => [path, 0]));
    // Counted where they arrive (the page's own requests and the service worker's alike), before the routers
    // rewrite the URL.
    platform.server.prependListener('request', (request: IncomingMessage) => {
      const path = (request.url ?? '').split('?')[0] ?? '';
      const seen = requests.get(path);
      if (seen !== undefined) requests.set(path, seen + 1);
    });
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${platform.url}/#/markets`);
      await page.locator('.badge.simulated:not([hidden])').waitFor({ timeout: 20_000 });
      await waitForExpression(page, 'navigator.serviceWorker.controller !== null', 20_000);
      // What a worker's take-over would set off has time to arrive.
      await page.waitForTimeout(1_500);
      assert.deepEqual(Object.fromEntries(requests), { '/api/identity/me': 1, '/api/market/instruments': 1 });

      // Offline, the installed app still knows who it is and what is live (the badge comes from the instruments).
      await page.context().setOffline(true);
      await page.reload();
      await page.locator('.connection[data-state="offline"]').waitFor({ timeout: 15_000 });
      await page.locator('.badge.simulated:not([hidden])').waitFor({ timeout: 10_000 });
      assert.ok((await page.locator('nav.views a[data-view]').count()) > 0, 'the views are offered offline');
      await page.context().close();
    } finally {
      await browser.close();
      await platform.stop();
    }
  });
});
