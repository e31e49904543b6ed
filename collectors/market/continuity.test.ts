import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { marketDataService } from '../../platform/market-data/service.ts';
import { apiFetch } from '../../platform/testing/api-client.ts';
import { eventually } from '../../platform/testing/eventually.ts';
import { startTestPlatform, type TestPlatform } from '../../platform/testing/platform.ts';
import { marketFeedService } from './feed-service.ts';
import { SqliteFeedStateStore } from './feed-state.ts';
import { SimulatedFeed } from './simulated-feed.ts';
import type { HistoryBar } from './simulation/backfill.ts';
import { symbolUniverse } from './simulation/universe.ts';

type Bar = HistoryBar;
const intervals = ['1s', '1m', '5m', '1h', '1d'] as const;
const instruments = symbolUniverse(20);

/** The feed and market data on `dir`, the simulated feed keeping its state there (as `npm start` does). */
async function start(dir: string): Promise<{ platform: TestPlatform; state: SqliteFeedStateStore }> {
  const state = new SqliteFeedStateStore(join(dir, 'market-feed', 'state.db'));
  const feed = new SimulatedFeed({ instruments, seed: 42, stepMs: 100, clock: 'regular', state, backfillDays: 756 });
  const platform = await startTestPlatform(dir, [marketFeedService({ feed }), marketDataService()]);
  return { platform, state };
}

async function history(platform: TestPlatform, symbol: string, interval: string): Promise<Bar[]> {
  const response = await apiFetch(platform, `/api/history/${symbol}?interval=${interval}&limit=5000`, { as: 'viewer' });
  assert.equal(response.status, 200);
  return ((await response.json()) as { bars: Bar[] }).bars;
}

async function price(platform: TestPlatform, symbol: string): Promise<number | undefined> {
  const response = await apiFetch(platform, `/api/quotes/${symbol}`, { as: 'viewer' });
  return response.status === 200 ? ((await response.json()) as { price: number }).price : undefined;
}

describe('simulated history and continuity across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'continuity-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const before = new Map<string, Bar[]>();
  let lastPrice = 0;
  let dayOpen = 0;

  it('first start: every interval shows at least 100 bars of history for every feed symbol within seconds', async (t) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const { platform, state } = await start(dir);
    const platformMs = performance.now() - started;
    const firstFull = new Map<string, number>();
    try {
      await eventually(
        async () => {
          for (const interval of intervals)
            if (!firstFull.has(interval) && (await history(platform, 'NVDA', interval)).length >= 100)
              firstFull.set(interval, performance.now() - started);
          if (firstFull.size < intervals.length) return false;
          // The backfill yields to requests between batches: the last symbol's bars land a little after the first's.
          for (const interval of intervals) if ((await history(platform, 'XLU', interval)).length < 100) return false;
          return true;
        },
        'a full chart at every interval, for the first and the last symbol',
        20_000,
      );
      t.diagnostic(`the last symbol's charts full ${(performance.now() - started).toFixed(0)} ms after the start`);
      const used = process.cpuUsage(cpu);
      t.diagnostic(`CPU used from the start to a full chart: ${((used.user + used.system) / 1000).toFixed(0)} ms`);
      const status = (await (await apiFetch(platform, '/api/market/feed', { as: 'viewer' })).json()) as {
        details: { backfillMs?: number; backfillBars?: number };
      };
      t.diagnostic(
        `platform started in ${platformMs.toFixed(0)} ms; backfill generated and published ${String(status.details.backfillBars)} bars in ${String(status.details.backfillMs)} ms`,
      );
      const counts: string[] = [];
      for (const interval of intervals) {
        const bars = await history(platform, 'XLU', interval);
        assert.ok(bars.length >= 100, `${interval}: ${String(bars.length)} bars for the last symbol`);
        counts.push(`${interval} ${String(bars.length)}`);
      }
      t.diagnostic(
        `time to a full chart per interval (ms): ${[...firstFull].map(([i, ms]) => `${i} ${ms.toFixed(0)}`).join(', ')}`,
      );
      t.diagnostic(`bars served per interval (limit 5000): ${counts.join(', ')}`);
      // The live feed continues the history: the first quotes sit next to the last backfilled close.
      await eventually(async () => (await price(platform, 'AAPL')) !== undefined, 'a live AAPL quote', 10_000);
      const daily = await history(platform, 'AAPL', '1d');
      const live = (await price(platform, 'AAPL')) ?? 0;
      const previousClose = daily.at(-2)?.close ?? 0;
      assert.ok(
        Math.abs(live / previousClose - 1) < 0.2,
        `live ${String(live)} vs previous close ${String(previousClose)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 2_500)); // a few 1s bars close
      for (const interval of intervals) before.set(interval, await history(platform, 'AAPL', interval));
    } finally {
      await platform.stop();
      state.close();
    }
    const saved = new SqliteFeedStateStore(join(dir, 'market-feed', 'state.db'));
    lastPrice = saved.load('simulated')?.mids.AAPL ?? 0;
    assert.ok(saved.load('simulated')?.backfilledAt !== undefined, 'the backfill is remembered');
    saved.close();
    dayOpen = before.get('1d')?.at(-1)?.open ?? 0;
  });

  it('after a restart: prices continue, the day keeps its open, no stored bar is rewritten', async () => {
    const { platform, state } = await start(dir);
    try {
      const feed = (await (await apiFetch(platform, '/api/market/feed', { as: 'viewer' })).json()) as {
        details: { backfill: string };
      };
      assert.equal(feed.details.backfill, 'done', 'no second backfill');
      await eventually(async () => (await price(platform, 'AAPL')) !== undefined, 'a live AAPL quote', 10_000);
      const first = (await price(platform, 'AAPL')) ?? 0;
      assert.ok(
        Math.abs(first / lastPrice - 1) < 0.01,
        `first price ${String(first)} vs last mid ${String(lastPrice)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      for (const interval of intervals) {
        const after = new Map((await history(platform, 'AAPL', interval)).map((b) => [b.start, b]));
        const stored = (before.get(interval) ?? []).slice(0, -1); // the last one was still open
        for (const bar of stored)
          assert.deepEqual(after.get(bar.start), bar, `${interval} bar at ${String(bar.start)}`);
      }
      const today = (await history(platform, 'AAPL', '1d')).at(-1);
      assert.equal(today?.open, dayOpen, "the day's open survives the restart");
    } finally {
      await platform.stop();
      state.close();
    }
  });
});
