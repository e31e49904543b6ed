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

  close(i: number): number {
    return this.#rows[i * FIELDS + 4] ?? Number.NaN;
  }

  volume(i: number): number {
    return this.#rows[i * FIELDS + 5] ?? Number.NaN;
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
  /** Bars added per interval: an answer computed from an interval's windows is current while this stays. */
  private readonly added = new Map<Interval, number>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Adds a final bar; returns 'appended' for the newest bar of its symbol, 'revised' otherwise. */
  add(bar: Bar): 'appended' | 'revised' {
    this.added.set(bar.interval, (this.added.get(bar.interval) ?? 0) + 1);
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

  /** Changes whenever a bar of `interval` is added (a new, late or corrected bar): keys answers derived from it. */
  version(interval: Interval): number {
    return this.added.get(interval) ?? 0;
  }

  /**
   * The last `points` (at least 1) bar starts common to every symbol, with their closes and volumes. A merge of the
   * windows' sorted rows from the newest back, read in place: no bar objects (a bar object and a map entry for every
   * bar of every symbol asked made the sector view's requests 7-10 times as costly on the event loop).
   */
  aligned(interval: Interval, symbols: readonly string[], points: number): AlignedBars {
    const bySymbol = this.windows.get(interval);
    const windows = symbols.map((s) => bySymbol?.get(s)).filter((w): w is Window => w !== undefined);
    const n = windows.length;
    const [first] = windows;
    if (first === undefined || n < symbols.length)
      return { symbols: [...symbols], starts: [], closes: symbols.map(() => []), volumes: symbols.map(() => []) };
    const most = Math.min(points, first.size);
    /** picked[c * n + k]: the row of symbols[k] at the c-th common start, newest first. */
    const picked = new Int32Array(most * n);
    const at = Int32Array.from(windows, (w) => w.size - 1);
    let count = 0;
    outer: for (let i = first.size - 1; i >= 0 && count < most; i--) {
      const t = first.start(i);
      for (let k = 1; k < n; k++) {
        const w = windows[k] ?? first;
        let j = at[k] ?? -1;
        while (j >= 0 && w.start(j) > t) j--;
        at[k] = j;
        // Nothing older in this window: no more common starts.
        if (j < 0) break outer;
        if (w.start(j) !== t) continue outer;
      }
      picked[count * n] = i;
      for (let k = 1; k < n; k++) picked[count * n + k] = at[k] ?? 0;
      count++;
    }
    const starts = new Array<number>(count);
    const closes = windows.map(() => new Array<number>(count));
    const volumes = windows.map(() => new Array<number>(count));
    for (let c = 0; c < count; c++) {
      const from = (count - 1 - c) * n;
      starts[c] = first.start(picked[from] ?? 0);
      for (let k = 0; k < n; k++) {
        const w = windows[k] ?? first;
        const row = picked[from + k] ?? 0;
        (closes[k] ?? [])[c] = w.close(row);
        (volumes[k] ?? [])[c] = w.volume(row);
      }
    }
    return { symbols: [...symbols], starts, closes, volumes };
  }
}
