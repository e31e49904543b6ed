import type { Bar } from '../bars/aggregator.ts';
import type { Interval } from '../bars/buckets.ts';

export interface StoredBar extends Bar {
  readonly symbol: string;
  readonly interval: Interval;
}

export interface RangeQuery {
  readonly symbol: string;
  readonly interval: Interval;
  /** Inclusive bucket start. */
  readonly from: number;
  /** Exclusive bucket start. */
  readonly to: number;
  /** At most this many bars: the most recent ones of the range. */
  readonly limit: number;
}

/** Where final bars are kept: writes are buffered and land in batches; a range read sees every write. */
export interface BarStore {
  /** Queues bars (a later write of the same symbol, interval and start replaces the earlier: corrections). */
  write(bars: readonly StoredBar[]): void;
  /** Stores bars where none is stored yet (loaded history), at once and in one transaction: never over a stored bar. */
  insertMissing(bars: readonly StoredBar[]): number;
  /** Writes what is queued, in one transaction. */
  flush(): void;
  /** Bars of the range, oldest first. */
  range(query: RangeQuery): Bar[];
  /** Deletes bars older than each interval's retention; returns how many. */
  prune(now: number): number;
  close(): void;
}

/** How long each interval's bars are kept. */
export type Retention = Readonly<Record<Interval, number>>;

const DAY = 86_400_000;
export const defaultRetention: Retention = {
  '1s': DAY / 4,
  '1m': 30 * DAY,
  '5m': 180 * DAY,
  '1h': 730 * DAY,
  '1d': 36_500 * DAY,
};
