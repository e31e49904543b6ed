import type { TopicData } from '../../backbone/topics.ts';
import type { Bar, BarAggregator } from '../bars/aggregator.ts';
import { intervals, type Interval } from '../bars/buckets.ts';
import type { BarStore } from './bar-store.ts';

/** The longest a bucket of each interval lasts: a day is 25 hours when clocks go back. */
const longestBucketMs: Readonly<Record<Interval, number>> = {
  '1s': 1_000,
  '1m': 60_000,
  '5m': 300_000,
  '1h': 3_600_000,
  '1d': 25 * 3_600_000,
};

/** Stores a stream's bars where none is stored yet; resolves with how many were (the history writer's job). */
export type InsertMissing = (symbol: string, interval: Interval, bars: readonly Bar[]) => Promise<number>;

/**
 * Past bars from a feed (`market.history`): a bar whose bucket is still open joins the aggregator's open bar as
 * its earlier part; the others are stored only where no bar is stored yet, so loading history twice, or
 * after live bars were built, never rewrites a stored bar (bars built from ticks are upserted: they win whichever
 * is written first). Resolves with how many bars were stored.
 */
export function takeHistory(
  batch: TopicData<'market.history'>,
  aggregator: BarAggregator,
  insertMissing: InsertMissing,
  now: number,
): Promise<number> {
  // Only the newest bars can still be open: the others skip the bucket arithmetic (time zones, for days).
  const surelyOver = now - longestBucketMs[batch.interval];
  const missing = batch.bars.filter(
    (bar) => bar.start < surelyOver || !aggregator.resume(batch.symbol, batch.interval, bar, now),
  );
  return insertMissing(batch.symbol, batch.interval, missing);
}

/**
 * Before a symbol's first tick after a start, its newest stored bar of each interval is resumed when its bucket
 * is still open (stored at the previous shutdown): the day's open, high and low survive a restart.
 */
export function resumeStoredBars(symbol: string, aggregator: BarAggregator, store: BarStore, now: number): void {
  for (const interval of intervals) {
    const last = store.range({ symbol, interval, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 1 })[0];
    if (last !== undefined) aggregator.resume(symbol, interval, last, now);
  }
}
