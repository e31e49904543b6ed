/**
 * Streaming correlations on live bars: every pair of tracked symbols keeps a rolling and an EWMA correlation
 * of log returns and a Fisher-z break detector, each updated in O(1) when both symbols have a return for the
 * same bar start. Returns of a symbol are taken between consecutive final bars of the interval.
 */
import { CorrelationBreakDetector, type BreakDetectorOptions, type CorrelationBreak } from './change.ts';
import { EwmaCorrelation, RollingCorrelation } from './rolling.ts';

export interface StreamingOptions {
  readonly window: number;
  readonly ewmaSpan: number;
  readonly breaks: BreakDetectorOptions;
  /** Most symbols tracked per interval (pairs grow as n^2). */
  readonly maxSymbols: number;
}

interface PairState {
  readonly rolling: RollingCorrelation;
  readonly ewma: EwmaCorrelation;
  readonly detector: CorrelationBreakDetector;
  lastStart: number;
  updates: number;
}

export interface PairSnapshot {
  readonly a: string;
  readonly b: string;
  readonly rolling: number | null;
  readonly ewma: number | null;
  readonly updates: number;
  readonly lastStart: number;
}

export interface BreakEvent extends CorrelationBreak {
  readonly a: string;
  readonly b: string;
  readonly ts: number;
}

export class StreamingCorrelations {
  private readonly options: StreamingOptions;
  private readonly lastClose = new Map<string, { start: number; close: number }>();
  /** The latest return of each symbol and the bar start it belongs to. */
  private readonly lastReturn = new Map<string, { start: number; value: number }>();
  private readonly order: string[] = [];
  private readonly pairs = new Map<string, PairState>();

  constructor(options: StreamingOptions) {
    this.options = options;
  }

  /** Feeds a final bar; returns the breaks it completed. Bars must arrive in start order per symbol. */
  onBar(symbol: string, start: number, close: number): BreakEvent[] {
    const previous = this.lastClose.get(symbol);
    if (previous !== undefined && start <= previous.start) return [];
    this.lastClose.set(symbol, { start, close });
    if (previous === undefined) {
      if (this.order.length < this.options.maxSymbols) this.order.push(symbol);
      return [];
    }
    if (!this.order.includes(symbol)) return [];
    const value = Math.log(close) - Math.log(previous.close);
    this.lastReturn.set(symbol, { start, value });
    const events: BreakEvent[] = [];
    for (const other of this.order) {
      if (other === symbol) continue;
      const r = this.lastReturn.get(other);
      if (r === undefined || r.start !== start) continue;
      const [a, b] = symbol < other ? [symbol, other] : [other, symbol];
      const state = this.pair(a, b);
      if (state.lastStart === start) continue;
      state.lastStart = start;
      state.updates++;
      const x = a === symbol ? value : r.value;
      const y = a === symbol ? r.value : value;
      state.rolling.push(x, y);
      state.ewma.push(x, y);
      const broke = state.detector.push(x, y);
      if (broke) events.push({ ...broke, a, b, ts: start });
    }
    return events;
  }

  snapshot(): PairSnapshot[] {
    return [...this.pairs.entries()].map(([key, s]) => {
      const [a = '', b = ''] = key.split('|');
      return { a, b, rolling: s.rolling.value(), ewma: s.ewma.value(), updates: s.updates, lastStart: s.lastStart };
    });
  }

  private pair(a: string, b: string): PairState {
    const key = `${a}|${b}`;
    let state = this.pairs.get(key);
    if (!state) {
      state = {
        rolling: new RollingCorrelation(this.options.window),
        ewma: EwmaCorrelation.fromSpan(this.options.ewmaSpan),
        detector: new CorrelationBreakDetector(this.options.breaks),
        lastStart: -1,
        updates: 0,
      };
      this.pairs.set(key, state);
    }
    return state;
  }
}
