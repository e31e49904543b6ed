import { MAX_BARS, mergeBar, normaliseBars } from './bars.ts';
import type { Bar, Interval, Quote, ServerMessage } from './protocol.ts';
import { barKey } from './subscriptions.ts';

export interface StoreListener {
  quote?(quote: Quote): void;
  /** A whole series arrived (snapshot) or was cleared. */
  series?(symbol: string, interval: Interval, bars: readonly Bar[]): void;
  /** Older bars were added at the start of a series (scrolling back in history). */
  history?(symbol: string, interval: Interval, bars: readonly Bar[], added: number): void;
  /** One bar of a series was added or revised. */
  bar?(symbol: string, interval: Interval, bar: Bar): void;
}

/**
 * Series kept after they stop being shown (an interval switched away from): switching back draws them at once, the
 * server's snapshot then replacing them. The least recently received go first.
 */
export const MAX_SERIES = 12;

/** Latest quotes and the bar series the app shows, fed by the connection's messages. */
export class MarketStore {
  readonly #quotes = new Map<string, Quote>();
  readonly #bars = new Map<string, Bar[]>();
  readonly #listeners = new Set<StoreListener>();

  listen(listener: StoreListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  quote(symbol: string): Quote | undefined {
    return this.#quotes.get(symbol);
  }

  bars(symbol: string, interval: Interval): readonly Bar[] {
    return this.#bars.get(barKey(symbol, interval)) ?? [];
  }

  /** Applies a snapshot (replaces the series) or an update (merges quotes and bars). */
  apply(message: ServerMessage): void {
    if (message.type === 'snapshot') {
      if (message.quote !== null) this.#setQuote(message.quote);
      for (const [interval, bars] of Object.entries(message.bars ?? {}) as [Interval, Bar[]][]) {
        const series = normaliseBars(bars);
        this.#keep(barKey(message.symbol, interval), series);
        for (const l of this.#listeners) l.series?.(message.symbol, interval, series);
      }
    } else if (message.type === 'update') {
      for (const quote of message.quotes) this.#setQuote(quote);
      for (const { symbol, interval, bar } of message.bars ?? []) {
        const key = barKey(symbol, interval);
        this.#keep(key, mergeBar(this.#bars.get(key) ?? [], bar));
        for (const l of this.#listeners) l.bar?.(symbol, interval, bar);
      }
    }
  }

  /** Adds older bars (from the history API) before a series; returns how many were new. */
  prepend(symbol: string, interval: Interval, older: readonly Bar[]): number {
    const key = barKey(symbol, interval);
    const current = this.#bars.get(key) ?? [];
    const first = current[0]?.start ?? Infinity;
    const fresh = older.filter((b) => b.start < first);
    if (fresh.length === 0) return 0;
    const series = normaliseBars([...fresh, ...current], MAX_BARS + fresh.length);
    this.#keep(key, series);
    for (const l of this.#listeners) l.history?.(symbol, interval, series, fresh.length);
    return fresh.length;
  }

  /** Sets a series as the most recently received; beyond MAX_SERIES the least recent is dropped. */
  #keep(key: string, series: Bar[]): void {
    this.#bars.delete(key);
    this.#bars.set(key, series);
    if (this.#bars.size > MAX_SERIES) this.#bars.delete(this.#bars.keys().next().value ?? key);
  }

  #setQuote(quote: Quote): void {
    const current = this.#quotes.get(quote.symbol);
    if (current !== undefined && quote.ts < current.ts) return;
    this.#quotes.set(quote.symbol, quote);
    for (const l of this.#listeners) l.quote?.(quote);
  }
}
