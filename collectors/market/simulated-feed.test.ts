import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../platform/telemetry/logger.ts';
import { eventually } from '../../platform/testing/eventually.ts';
import { silentHealth, type HistoryBatch, type Tick } from './feed.ts';
import type { FeedStateStore, SimulatedFeedState } from './feed-state.ts';
import { SimulatedFeed } from './simulated-feed.ts';
import { symbolUniverse } from './simulation/universe.ts';

const logger = createLogger({ service: 'test', level: 'silent' });

async function collect(feed: SimulatedFeed, ms: number): Promise<Tick[][]> {
  const batches: Tick[][] = [];
  await feed.start({
    emit: (ticks) => {
      batches.push([...ticks]);
      return Promise.resolve();
    },
    history: () => Promise.resolve(),
    health: silentHealth,
    logger,
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  await feed.stop();
  return batches;
}

/** A feed context's `history` that keeps every part it is handed. */
const record =
  (parts: HistoryBatch[][]) =>
  (batches: readonly HistoryBatch[]): Promise<void> => {
    parts.push([...batches]);
    return Promise.resolve();
  };

const backfill = (feed: SimulatedFeed, state: string): Promise<void> =>
  eventually(() => feed.status().details.backfill === state, `backfill ${state}`, 20_000);

/** A FeedStateStore in memory (the SQLite one is tested in continuity.test.ts). */
function memoryState(): FeedStateStore {
  const saved = new Map<string, SimulatedFeedState>();
  return {
    load: (feed) => saved.get(feed),
    save: (feed, state) => {
      saved.set(feed, structuredClone(state));
    },
    close: () => undefined,
  };
}

const saturdayNight = Date.parse('2025-03-09T03:00:00Z');
const mondayNight = Date.parse('2025-03-11T03:00:00Z'); // 23:00 in New York

describe('simulated feed', () => {
  it('backfills newest first as it goes, most traded symbol first in each part', async () => {
    const instruments = symbolUniverse(6);
    const feed = new SimulatedFeed({ instruments, seed: 3, stepMs: 1_000, clock: 'regular', backfillDays: 150 });
    const parts: HistoryBatch[][] = [];
    await feed.start({ emit: () => Promise.resolve(), history: record(parts), health: silentHealth, logger });
    await backfill(feed, 'done');
    await feed.stop();
    const dollarVolume = (s: string): number => {
      const i = instruments.find((x) => x.symbol === s);
      return (i?.avgDailyVolume ?? 0) * (i?.basePrice ?? 0);
    };
    for (const part of parts)
      for (let k = 1; k < part.length; k++)
        assert.ok(
          dollarVolume(part[k - 1]?.symbol ?? '') >= dollarVolume(part[k]?.symbol ?? ''),
          `${String(part[k - 1]?.symbol)} before ${String(part[k]?.symbol)}`,
        );
    const intervalsOf = (part: HistoryBatch[] | undefined): string[] => [...new Set(part?.map((b) => b.interval))];
    assert.deepEqual(intervalsOf(parts[0]), ['1s', '5m'], 'the newest day first: every 1s bar and its 5m bars');
    assert.ok(parts.length >= 4, `${String(parts.length)} parts`);
    // Each symbol's blocks of an interval come newest first, and no bar comes twice.
    const seen = new Map<string, number>();
    for (const { symbol, interval, bars } of parts.flat()) {
      const key = `${symbol} ${interval}`;
      const last = bars.at(-1)?.start ?? Infinity;
      assert.ok(last < (seen.get(key) ?? Infinity), `${key}: a block older than the one before`);
      seen.set(key, bars[0]?.start ?? -Infinity);
    }
    assert.equal(seen.size, instruments.length * 5);
  });

  it('a start that retries a backfill makes the same history, ending where the first try did', async () => {
    const instruments = symbolUniverse(3);
    const state = memoryState();
    const options = { instruments, seed: 5, stepMs: 50, clock: 'regular' as const, backfillDays: 20, state };
    const first = new SimulatedFeed({ ...options, now: () => Date.parse('2026-12-02T16:00:00Z') });
    await first.start({
      emit: () => Promise.resolve(),
      history: () => Promise.reject(new Error('backbone down')),
      health: silentHealth,
      logger,
    });
    await backfill(first, 'failed');
    await new Promise((resolve) => setTimeout(resolve, 200)); // the live market moves on
    await first.stop();
    const parts: HistoryBatch[][] = [];
    const retry = new SimulatedFeed({ ...options, now: () => Date.parse('2026-12-02T18:30:00Z') });
    await retry.start({ emit: () => Promise.resolve(), history: record(parts), health: silentHealth, logger });
    await backfill(retry, 'done');
    await retry.stop();
    const fresh: HistoryBatch[][] = [];
    const reference = new SimulatedFeed({
      ...options,
      state: memoryState(),
      now: () => Date.parse('2026-12-02T16:00:00Z'),
    });
    await reference.start({ emit: () => Promise.resolve(), history: record(fresh), health: silentHealth, logger });
    await backfill(reference, 'done');
    await reference.stop();
    assert.deepEqual(parts, fresh, 'the same bars as a first try that had succeeded');
    assert.equal(state.load('simulated')?.backfillPlan, undefined, 'the plan is dropped once the history is stored');
  });

  it('is silent on the real exchange clock when the market is closed', async () => {
    const feed = new SimulatedFeed({
      instruments: symbolUniverse(20),
      seed: 1,
      stepMs: 5,
      clock: 'exchange',
      now: () => saturdayNight,
    });
    assert.deepEqual(await collect(feed, 60), []);
  });

  it('is alive at any hour of a trading day on the compressed clock (the demo default)', async () => {
    let now = mondayNight;
    const feed = new SimulatedFeed({
      instruments: symbolUniverse(20),
      seed: 1,
      stepMs: 5,
      clock: 'compressed',
      dayMs: 60_000,
      now: () => (now += 5),
    });
    const batches = await collect(feed, 80);
    assert.ok(batches.length >= 3, `${String(batches.length)} batches`);
    assert.ok(
      batches.every((b) => b.every((t) => t.ts === b[0]?.ts)),
      'a batch is one instant',
    );
  });

  it('starts a fresh compressed day at the regular open, and stops emitting once stopped', async () => {
    const start = Date.now();
    const wednesday = Date.parse('2025-03-12T15:00:00Z');
    const feed = new SimulatedFeed({
      instruments: symbolUniverse(100),
      seed: 2,
      stepMs: 5,
      clock: 'compressed',
      now: () => wednesday + Date.now() - start,
    });
    const batches = await collect(feed, 100);
    const perBatch = batches.reduce((n, b) => n + b.length, 0) / batches.length;
    assert.ok(
      perBatch > 150,
      `the open trades about twice the average: ${perBatch.toFixed(0)} ticks per step for 100 symbols`,
    );
    const count = batches.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(batches.length, count);
  });

  it('keeps 1,000+ ticks/s across 100 symbols cheaply (regular clock, 50 ms steps)', async () => {
    const feed = new SimulatedFeed({ instruments: symbolUniverse(100), seed: 3, stepMs: 50, clock: 'regular' });
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const batches = await collect(feed, 500);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const rate = batches.reduce((n, b) => n + b.length, 0) / seconds;
    assert.ok(rate >= 1_000, `${rate.toFixed(0)} ticks/s`);
    assert.ok((cpu.user + cpu.system) / 1e6 / seconds < 0.5, 'well under half a core');
  });
});
