/**
 * A fresh clone's first start as a user meets it (the simulated feed backfilling its history while the chart is
 * already open), then a restart: prices go on from where they were and no stored bar is rewritten.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Bar } from '../market-data/bars/aggregator.ts';
import { apiFetch } from '../testing/api-client.ts';
import { peerSkipReason } from '../testing/peers.ts';
import type { TestPlatform } from '../testing/platform.ts';
import { CHROMIUM, launchChromium } from './browser.ts';
import {
  chartNumber,
  chartReaches,
  fillEveryInterval,
  intervals,
  newTab,
  openChart,
  pageMilestones,
  startMarkets as start,
} from './first-start-walk.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');
const dir = mkdtempSync(join(tmpdir(), 'web-first-start-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

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
      platform = await start(dir);
      const up = performance.now();
      const page = await openChart(tab, platform, '1s');
      const connected = performance.now();
      const full = (await fillEveryInterval(page, up)).map(
        (f) => `${f.interval} ${String(f.bars)} bars at ${f.seconds.toFixed(2)} s`,
      );
      const milestones = Object.entries(await pageMilestones(page, performance.timeOrigin + up))
        .map(([name, at]) => `${name} ${at.toFixed(2)} s`)
        .join(', ');
      const feed = (await (await apiFetch(platform, '/api/market/feed', { as: 'viewer' })).json()) as {
        details: { backfillMs?: number };
      };
      const load = loadavg().map((l) => l.toFixed(1));
      t.diagnostic(
        `platform up in ${((up - started) / 1000).toFixed(2)} s, page connected ${((connected - up) / 1000).toFixed(2)} s ` +
          `later; the page's milestones: ${milestones}; charts full (after the platform is up): ${full.join(', ')}; ` +
          `backfill generated and stored in ` +
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

      const restarted = await start(dir);
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
