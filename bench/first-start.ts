/**
 * `npm run bench -- first-start [--rounds N]` (default 2, at most 5): a fresh platform's first start with the markets
 * view opened in Chromium while the simulated feed backfills its history, then a restart of the same data directory
 * (no backfill) as the baseline in the same minutes: seconds after the platform is up until the chart had 100+ bars
 * at each of the five intervals in turn, the ratio of the two, the backfill's own time and the load average. The
 * target (issue 19): every interval full within 5 s of a first start. Only the first round is a cold start (later
 * rounds run the backfill with the JIT warm, two to six times faster): compare runs of `--rounds 1`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { apiFetch } from '../platform/testing/api-client.ts';
import { launchChromium } from '../platform/web/browser.ts';
import { fillEveryInterval, newTab, openChart, startMarkets } from '../platform/web/first-start-walk.ts';
import { percentile, round } from './support/stats.ts';

/** Seconds after the platform is up until every interval was full (the last one's time). */
async function walk(browser: Browser, dir: string): Promise<{ seconds: number; backfillMs: number | undefined }> {
  const tab = await newTab(browser);
  const platform = await startMarkets(dir);
  try {
    const up = performance.now();
    const page = await openChart(tab, platform, '1s');
    const full = await fillEveryInterval(page, up);
    const feed = (await (await apiFetch(platform, '/api/market/feed', { as: 'viewer' })).json()) as {
      details: { backfillMs?: number };
    };
    await page.context().close();
    return { seconds: full.at(-1)?.seconds ?? Number.NaN, backfillMs: feed.details.backfillMs };
  } finally {
    await platform.stop();
  }
}

export default async function firstStart(args: readonly string[]): Promise<Record<string, unknown>> {
  const at = args.indexOf('--rounds');
  const rounds = Math.min(5, Math.max(1, at >= 0 ? Number(args[at + 1]) || 2 : 2));
  const browser = await launchChromium();
  const first: number[] = [];
  const restart: number[] = [];
  const backfill: number[] = [];
  const load: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const dir = mkdtempSync(join(tmpdir(), 'bench-first-start-'));
      try {
        load.push(loadavg()[0] ?? Number.NaN);
        const fresh = await walk(browser, dir);
        first.push(fresh.seconds);
        backfill.push(fresh.backfillMs ?? Number.NaN);
        restart.push((await walk(browser, dir)).seconds);
        process.stderr.write(
          `round ${String(r + 1)}: first start ${fresh.seconds.toFixed(2)} s, restart ` +
            `${(restart.at(-1) ?? Number.NaN).toFixed(2)} s, load ${(load.at(-1) ?? Number.NaN).toFixed(1)}\n`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await browser.close();
  }
  const median = (xs: number[]): number => round(percentile([...xs], 50), 2);
  return {
    bench: 'first-start',
    rounds,
    first_start_full_s: first.map((s) => round(s, 2)),
    restart_full_s: restart.map((s) => round(s, 2)),
    first_start_median_s: median(first),
    restart_median_s: median(restart),
    ratio_first_to_restart: round(median(first) / median(restart), 2),
    within_5s: first.filter((s) => s <= 5).length,
    backfill_ms: backfill,
    load_average_1m: load.map((l) => round(l, 1)),
  };
}
