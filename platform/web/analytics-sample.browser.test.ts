/**
 * Analytics from a few seconds of bars (no backfill): the heatmap and the rolling correlation say that their sample is
 * below the method's minimum.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { marketFeedService } from '../../collectors/market/feed-service.ts';
import { SimulatedFeed } from '../../collectors/market/simulated-feed.ts';
import { symbolUniverse } from '../../collectors/market/simulation/universe.ts';
import { analyticsService } from '../analytics/service.ts';
import { marketDataService } from '../market-data/service.ts';
import { peerSkipReason } from '../testing/peers.ts';
import { startTestPlatform } from '../testing/platform.ts';
import { CHROMIUM, launchChromium } from './browser.ts';
import { webAppService } from './service.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');
const dir = mkdtempSync(join(tmpdir(), 'web-analytics-sample-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('analytics on a small sample in headless Chromium', { skip: skip ?? false }, () => {
  it('warns in the rolling correlation as in the heatmap', async () => {
    const feed = new SimulatedFeed({ instruments: symbolUniverse(20), seed: 7, stepMs: 100, clock: 'regular' });
    const platform = await startTestPlatform(dir, [
      marketFeedService({ feed }),
      marketDataService(),
      analyticsService(),
      webAppService(),
    ]);
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await page.goto(`${platform.url}/#/analytics?i=1s`);
      for (const panel of ['analytics-heatmap', 'analytics-rolling'])
        await page.locator(`.${panel} .sample-warning`).waitFor({ timeout: 30_000 });
      const rolling = (await page.locator('.analytics-rolling .sample-warning').textContent()) ?? '';
      assert.match(rolling, /\b60\b/, `the rolling correlation's minimum (twice its 30-bar window): ${rolling}`);
      assert.equal(await page.locator('.analytics-rolling svg.rolling').count(), 1, 'drawn, with the warning');
    } finally {
      await browser.close();
      await platform.stop();
    }
  });
});
