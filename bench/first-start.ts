/**
 * `npm run bench -- first-start [--rounds N]` (default 2, at most 5): a fresh platform's first start with the markets
 * view opened in Chromium while the simulated feed backfills its history, then a restart of the same data directory
 * (no backfill) as the baseline in the same minutes: seconds after the platform is up until the chart had 100+ bars
 * at each of the five intervals in turn, the page's milestones on the way (request sent, HTML received, DOM parsed,
 * then the app's marks: script running, who-am-I answered, the stream's welcome, the app rendered, the chart's first
 * series drawn), the ratio of the two, the backfill's own time, the longest event-loop block of
 * this process (the platform and Playwright's client; resolution 10 ms), the CPU its main thread (the event loop) and
 * the whole process (worker threads too) used until the backfill ended, and the load average. The
 * target (issue 19): every interval full within 5 s of a first start. Only the first round is a cold start (later
 * rounds run the backfill with the JIT warm, two to six times faster): compare runs of `--rounds 1`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { apiFetch } from '../platform/testing/api-client.ts';
import { launchChromium } from '../platform/web/browser.ts';
import {
  fillEveryInterval,
  newTab,
  openChart,
  pageMilestones,
  startMarkets,
} from '../platform/web/first-start-walk.ts';
import { percentile, round } from './support/stats.ts';

interface Walk {
  readonly seconds: number;
  /** When the page was connected, then when each interval was full, in the walk's order (1s, 1m, 5m, 1h, 1d). */
  readonly intervals: readonly number[];
  /** Seconds after the platform is up to the page's milestones (navigation, then the app's marks). */
  readonly page: Readonly<Record<string, number>>;
  readonly backfillMs: number | undefined;
  /** The longest the event loop of this process (the platform's and Playwright's client) was blocked once up, ms. */
  readonly maxBlockMs: number;
  /** Its 99th percentile, ms. */
  readonly p99BlockMs: number;
  /** CPU of the main thread (the event loop) and of the whole process (its worker threads too) until the backfill
   * ended, ms. */
  readonly mainCpuMs: number;
  readonly processCpuMs: number;
}

/** Seconds after the platform is up until every interval was full (the last one's time). */
async function walk(browser: Browser, dir: string): Promise<Walk> {
  const tab = await newTab(browser);
  const platform = await startMarkets(dir);
  // From the moment the platform is up (its start is not part of what a page waits for).
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const mainCpu = process.threadCpuUsage();
  const processCpu = process.cpuUsage();
  try {
    const up = performance.now();
    const page = await openChart(tab, platform, '1s');
    const connected = (performance.now() - up) / 1000;
    const full = await fillEveryInterval(page, up);
    const milestones = await pageMilestones(page, performance.timeOrigin + up);
    await page.context().close();
    // The older years are still being made: the block figure covers the whole backfill.
    const deadline = Date.now() + 120_000;
    let feed: { details: { backfill?: string; backfillMs?: number } };
    for (;;) {
      feed = (await (await apiFetch(platform, '/api/market/feed', { as: 'viewer' })).json()) as typeof feed;
      if (feed.details.backfill !== 'pending' || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    delay.disable();
    const main = process.threadCpuUsage(mainCpu);
    const all = process.cpuUsage(processCpu);
    return {
      seconds: full.at(-1)?.seconds ?? Number.NaN,
      intervals: [round(connected, 2), ...full.map((f) => round(f.seconds, 2))],
      page: milestones,
      backfillMs: feed.details.backfillMs,
      maxBlockMs: delay.max / 1e6,
      p99BlockMs: delay.percentile(99) / 1e6,
      mainCpuMs: (main.user + main.system) / 1000,
      processCpuMs: (all.user + all.system) / 1000,
    };
  } finally {
    delay.disable();
    await platform.stop();
  }
}

export default async function firstStart(args: readonly string[]): Promise<Record<string, unknown>> {
  const at = args.indexOf('--rounds');
  const rounds = Math.min(5, Math.max(1, at >= 0 ? Number(args[at + 1]) || 2 : 2));
  const browser = await launchChromium();
  const first: number[] = [];
  const firstIntervals: (readonly number[])[] = [];
  const firstPage: Readonly<Record<string, number>>[] = [];
  const restartPage: Readonly<Record<string, number>>[] = [];
  const restartIntervals: (readonly number[])[] = [];
  const restart: number[] = [];
  const backfill: number[] = [];
  const firstBlock: number[] = [];
  const firstP99: number[] = [];
  const firstMainCpu: number[] = [];
  const firstProcessCpu: number[] = [];
  const restartBlock: number[] = [];
  const load: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const dir = mkdtempSync(join(tmpdir(), 'bench-first-start-'));
      try {
        load.push(loadavg()[0] ?? Number.NaN);
        const fresh = await walk(browser, dir);
        first.push(fresh.seconds);
        firstIntervals.push(fresh.intervals);
        firstPage.push(fresh.page);
        backfill.push(fresh.backfillMs ?? Number.NaN);
        firstBlock.push(fresh.maxBlockMs);
        firstP99.push(fresh.p99BlockMs);
        firstMainCpu.push(fresh.mainCpuMs);
        firstProcessCpu.push(fresh.processCpuMs);
        const again = await walk(browser, dir);
        restart.push(again.seconds);
        restartIntervals.push(again.intervals);
        restartPage.push(again.page);
        restartBlock.push(again.maxBlockMs);
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
    first_start_by_interval_s: firstIntervals,
    restart_by_interval_s: restartIntervals,
    first_start_page_s: firstPage,
    restart_page_s: restartPage,
    first_start_median_s: median(first),
    restart_median_s: median(restart),
    ratio_first_to_restart: round(median(first) / median(restart), 2),
    within_5s: first.filter((s) => s <= 5).length,
    backfill_ms: backfill,
    max_event_loop_block_ms: firstBlock.map((ms) => round(ms, 1)),
    p99_event_loop_block_ms: firstP99.map((ms) => round(ms, 1)),
    first_start_main_thread_cpu_ms: firstMainCpu.map((ms) => Math.round(ms)),
    first_start_process_cpu_ms: firstProcessCpu.map((ms) => Math.round(ms)),
    restart_max_event_loop_block_ms: restartBlock.map((ms) => round(ms, 1)),
    load_average_1m: load.map((l) => round(l, 1)),
  };
}
