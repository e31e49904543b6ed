/**
 * Bounded per-symbol windows of final bars, per interval: the live data the REST analytics run on. Each
 * window keeps the last `capacity` bars in start order; a late bar is inserted in place, a repeated start
 * replaces the earlier bar (a corrected bar), and the oldest bar falls out when the window is full.
 */
import type { TopicData } from '../backbone/topics.ts';

export type Bar = TopicData<'market.bars'>;
export type Interval = Bar['interval'];

export interface AlignedBars {
  readonly symbols: string[];
  /** Bar starts present for every symbol (inner join), ascending. */
  readonly starts: number[];
  /** closes[i][t], volumes[i][t] for symbols[i] at starts[t]. */
  readonly closes: number[][];
  readonly volumes: number[][];
}

/** A bar's numbers in a window's row: start, open, high, low, close, volume. */
const FIELDS = 6;

/**
 * One symbol's bars of one interval, oldest first, in one Float64Array of `capacity` rows allocated when the
 * window is created: its memory is its bound from the first bar (outside the JS heap), instead of one object
 * per bar that grows the heap until the window fills (a 1 s window of 2,000 bars fills after 33 minutes,
 * which the soak read as a leak).
 */
class Window {
  readonly #rows: Float64Array;
  readonly #capacity: number;
  #count = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#rows = new Float64Array(capacity * FIELDS);
  }

  get size(): number {
    return this.#count;
  }

  start(i: number): number {
    return this.#rows[i * FIELDS] ?? Number.NaN;
  }

  bar(i: number, symbol: string, interval: Interval): Bar {
    const [start = 0, open = 0, high = 0, low = 0, close = 0, volume = 0] = this.#rows.subarray(
      i * FIELDS,
      (i + 1) * FIELDS,
    );
    return { symbol, interval, start, open, high, low, close, volume };
  }

  /** Writes `bar` at row `i` (replacing what is there). */
  set(i: number, bar: Bar): void {
    this.#rows.set([bar.start, bar.open, bar.high, bar.low, bar.close, bar.volume], i * FIELDS);
  }

  /** Inserts `bar` before row `i`; when full, the oldest bar falls out first (rows before `i` move down). */
  insert(i: number, bar: Bar): void {
    if (this.#count === this.#capacity) {
      this.#rows.copyWithin(0, FIELDS, i * FIELDS);
      this.set(i - 1, bar);
      return;
    }
    this.#rows.copyWithin((i + 1) * FIELDS, i * FIELDS, this.#count * FIELDS);
    this.set(i, bar);
    this.#count += 1;
  }
}

export class BarWindows {
  private readonly capacity: number;
  private readonly windows = new Map<Interval, Map<string, Window>>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Adds a final bar; returns 'appended' for the newest bar of its symbol, 'revised' otherwise. */
  add(bar: Bar): 'appended' | 'revised' {
    let bySymbol = this.windows.get(bar.interval);
    if (!bySymbol) {
      bySymbol = new Map();
      this.windows.set(bar.interval, bySymbol);
    }
    let bars = bySymbol.get(bar.symbol);
    if (!bars) {
      bars = new Window(this.capacity);
      bySymbol.set(bar.symbol, bars);
    }
    const n = bars.size;
    if (n === 0 || bar.start > bars.start(n - 1)) {
      bars.insert(n, bar);
      return 'appended';
    }
    let i = n - 1;
    while (i >= 0 && bars.start(i) > bar.start) i--;
    if (i >= 0 && bars.start(i) === bar.start) bars.set(i, bar);
    // A bar older than a full window is not kept.
    else if (n < this.capacity || i >= 0) bars.insert(i + 1, bar);
    return 'revised';
  }

  bars(interval: Interval, symbol: string): readonly Bar[] {
    const bars = this.windows.get(interval)?.get(symbol);
    return bars === undefined ? [] : Array.from({ length: bars.size }, (_, i) => bars.bar(i, symbol, interval));
  }

  symbols(interval: Interval): { symbol: string; bars: number; first: number; last: number }[] {
    return [...(this.windows.get(interval) ?? new Map<string, Window>()).entries()]
      .map(([symbol, bars]) => ({
        symbol,
        bars: bars.size,
        first: bars.size === 0 ? 0 : bars.start(0),
        last: bars.size === 0 ? 0 : bars.start(bars.size - 1),
      }))
      .sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  intervals(): Interval[] {
    return [...this.windows.keys()];
  }

  has(interval: Interval, symbol: string): boolean {
    return (this.windows.get(interval)?.get(symbol)?.size ?? 0) > 0;
  }

  /** The last `points` bar starts common to every symbol, with their closes and volumes. */
  aligned(interval: Interval, symbols: readonly string[], points: number): AlignedBars {
    const series = symbols.map((s) => new Map(this.bars(interval, s).map((b) => [b.start, b])));
    const first = series[0] ?? new Map<number, Bar>();
    const starts = [...first.keys()]
      .filter((t) => series.every((m) => m.has(t)))
      .sort((a, b) => a - b)
      .slice(-points);
    return {
      symbols: [...symbols],
      starts,
      closes: series.map((m) => starts.map((t) => m.get(t)?.close ?? Number.NaN)),
      volumes: series.map((m) => starts.map((t) => m.get(t)?.volume ?? Number.NaN)),
    };
  }
}
