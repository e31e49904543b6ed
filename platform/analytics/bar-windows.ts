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

export class BarWindows {
  private readonly capacity: number;
  private readonly windows = new Map<Interval, Map<string, Bar[]>>();

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
      bars = [];
      bySymbol.set(bar.symbol, bars);
    }
    const last = bars.at(-1);
    if (last === undefined || bar.start > last.start) {
      bars.push(bar);
      if (bars.length > this.capacity) bars.shift();
      return 'appended';
    }
    let i = bars.length - 1;
    while (i >= 0 && (bars[i]?.start ?? 0) > bar.start) i--;
    if (i >= 0 && bars[i]?.start === bar.start) bars[i] = bar;
    else if (bars.length < this.capacity || i >= 0) {
      bars.splice(i + 1, 0, bar);
      if (bars.length > this.capacity) bars.shift();
    }
    return 'revised';
  }

  bars(interval: Interval, symbol: string): readonly Bar[] {
    return this.windows.get(interval)?.get(symbol) ?? [];
  }

  symbols(interval: Interval): { symbol: string; bars: number; first: number; last: number }[] {
    return [...(this.windows.get(interval) ?? new Map<string, Bar[]>()).entries()]
      .map(([symbol, bars]) => ({
        symbol,
        bars: bars.length,
        first: bars[0]?.start ?? 0,
        last: bars.at(-1)?.start ?? 0,
      }))
      .sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  intervals(): Interval[] {
    return [...this.windows.keys()];
  }

  has(interval: Interval, symbol: string): boolean {
    return (this.windows.get(interval)?.get(symbol)?.length ?? 0) > 0;
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
