import type { TopicData } from '../backbone/topics.ts';
import type { Bar } from './bars/aggregator.ts';

export interface Quote {
  readonly symbol: string;
  readonly price: number;
  readonly bid?: number;
  readonly ask?: number;
  readonly size: number;
  /** Shares traded today (exchange time). */
  readonly volume: number;
  /** Today's first price (exchange time), which change and changePct are measured against. */
  readonly open: number;
  readonly change: number;
  readonly changePct: number;
  readonly ts: number;
}

/** Latest quote per symbol; a tick older than the one held (late or replayed) does not replace it. */
export class QuoteBook {
  readonly #quotes = new Map<string, Quote>();

  /**
   * Applies a tick with the symbol's current daily bar (open and volume of the day); returns the new quote or
   * undefined.
   */
  apply(tick: TopicData<'market.ticks'>, day: Bar | undefined): Quote | undefined {
    const current = this.#quotes.get(tick.symbol);
    if (current !== undefined && tick.ts < current.ts) return undefined;
    const open = day?.open ?? current?.open ?? tick.price;
    const change = tick.price - open;
    const quote: Quote = {
      symbol: tick.symbol,
      price: tick.price,
      ...(tick.bid === undefined ? {} : { bid: tick.bid }),
      ...(tick.ask === undefined ? {} : { ask: tick.ask }),
      size: tick.size,
      volume: day?.volume ?? (current?.volume ?? 0) + tick.size,
      open,
      change: Math.round(change * 10_000) / 10_000,
      changePct: Math.round((change / open) * 1_000_000) / 10_000,
      ts: tick.ts,
    };
    this.#quotes.set(tick.symbol, quote);
    return quote;
  }

  get(symbol: string): Quote | undefined {
    return this.#quotes.get(symbol);
  }

  delete(symbol: string): void {
    this.#quotes.delete(symbol);
  }

  has(symbol: string): boolean {
    return this.#quotes.has(symbol);
  }

  all(): Quote[] {
    return [...this.#quotes.values()].sort((a, b) => a.symbol.localeCompare(b.symbol));
  }
}
