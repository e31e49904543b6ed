import type { Bar } from '../bars/aggregator.ts';
import type { BarStore, RangeQuery, StoredBar } from './bar-store.ts';

interface Recent {
  /** Oldest first. */
  bars: Bar[];
  /** The cache holds every stored bar of the stream from this start on (-Infinity: all of them). */
  from: number;
}

/**
 * Keeps the most recent bars of each symbol and interval in memory in front of a BarStore, so charts and
 * snapshots (which ask for the latest few hundred bars) are answered without a query; older ranges go
 * to the store. A stream's cache is loaded on first use and then follows every write.
 */
export class CachedBarStore implements BarStore {
  readonly #inner: BarStore;
  readonly #capacity: number;
  readonly #recent = new Map<string, Recent>();

  readonly #maxStreams: number;

  /** `capacity` bars per stream, `maxStreams` streams (least recently used dropped first). */
  constructor(inner: BarStore, capacity = 1_000, maxStreams = 1_000) {
    this.#inner = inner;
    this.#capacity = capacity;
    this.#maxStreams = maxStreams;
  }

  write(bars: readonly StoredBar[]): void {
    this.#inner.write(bars);
    for (const bar of bars) {
      const recent = this.#recent.get(key(bar.symbol, bar.interval));
      if (recent !== undefined)
        upsert(
          recent,
          { start: bar.start, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume },
          this.#capacity,
        );
    }
  }

  insertMissing(bars: readonly StoredBar[]): number {
    const inserted = this.#inner.insertMissing(bars);
    for (const bar of bars) this.forget(bar.symbol, bar.interval);
    return inserted;
  }

  /**
   * Drops a stream's cached bars, reloaded on its next read: after bars were stored behind this cache's back (the
   * history writer's connection), or inserted here (history arrives once, in large batches).
   */
  forget(symbol: string, interval: RangeQuery['interval']): void {
    this.#recent.delete(key(symbol, interval));
  }

  flush(): void {
    this.#inner.flush();
  }

  range(query: RangeQuery): Bar[] {
    const recent = this.#load(query.symbol, query.interval);
    // Bars are sorted by start: the range is found by bisection, not a scan (charts ask for it at a high rate).
    const lo = firstAtOrAfter(recent.bars, query.from);
    const hi = firstAtOrAfter(recent.bars, query.to);
    // Served from memory when the cache covers the range, or holds at least `limit` of its newest bars.
    if (query.from >= recent.from || hi - lo >= query.limit)
      return recent.bars.slice(Math.max(lo, hi - query.limit), hi);
    return this.#inner.range(query);
  }

  prune(now: number): number {
    this.#recent.clear();
    return this.#inner.prune(now);
  }

  close(): void {
    this.#recent.clear();
    this.#inner.close();
  }

  #load(symbol: string, interval: RangeQuery['interval']): Recent {
    const k = key(symbol, interval);
    let recent = this.#recent.get(k);
    if (recent === undefined) {
      const bars = this.#inner.range({ symbol, interval, from: 0, to: Number.MAX_SAFE_INTEGER, limit: this.#capacity });
      recent = { bars, from: bars.length < this.#capacity ? -Infinity : (bars[0]?.start ?? -Infinity) };
      if (this.#recent.size >= this.#maxStreams) {
        const oldest = this.#recent.keys().next().value;
        if (oldest !== undefined) this.#recent.delete(oldest);
      }
    } else this.#recent.delete(k); // re-inserted last: the map stays in least-recently-used order
    this.#recent.set(k, recent);
    return recent;
  }
}

/** Index of the first bar starting at or after `start` (bars.length when none does). */
function firstAtOrAfter(bars: readonly Bar[], start: number): number {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((bars[mid]?.start ?? Infinity) < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function key(symbol: string, interval: string): string {
  return `${symbol} ${interval}`;
}

function upsert(recent: Recent, bar: Bar, capacity: number): void {
  const bars = recent.bars;
  const last = bars.at(-1);
  if (last === undefined || bar.start > last.start) bars.push(bar);
  else if (bar.start >= recent.from) {
    let i = bars.length - 1;
    while (i >= 0 && (bars[i]?.start ?? 0) > bar.start) i -= 1;
    if (bars[i]?.start === bar.start) bars[i] = bar;
    else bars.splice(i + 1, 0, bar);
  }
  // Trim in chunks, not on every write.
  if (bars.length > capacity * 1.25) {
    bars.splice(0, bars.length - capacity);
    recent.from = bars[0]?.start ?? recent.from;
  }
}
