import type { TopicData } from '../backbone/topics.ts';

export interface Quote {
  readonly symbol: string;
  readonly price: number;
  readonly bid?: number;
  readonly ask?: number;
  readonly size: number;
  readonly ts: number;
  /** First price seen this session, for the change figures. */
  readonly open: number;
  readonly change: number;
  readonly changePercent: number;
  readonly volume: number;
}

/** Latest quote per symbol; ignores ticks older than the one it holds (late or replayed). */
export class QuoteBook {
  readonly #quotes = new Map<string, Quote>();

  apply(tick: TopicData<'market.ticks'>): boolean {
    const current = this.#quotes.get(tick.symbol);
    if (current !== undefined && tick.ts < current.ts) return false;
    const open = current?.open ?? tick.price;
    const change = tick.price - open;
    this.#quotes.set(tick.symbol, {
      symbol: tick.symbol,
      price: tick.price,
      ...(tick.bid === undefined ? {} : { bid: tick.bid }),
      ...(tick.ask === undefined ? {} : { ask: tick.ask }),
      size: tick.size,
      ts: tick.ts,
      open,
      change: Math.round(change * 10_000) / 10_000,
      changePercent: Math.round((change / open) * 1_000_000) / 10_000,
      volume: (current?.volume ?? 0) + tick.size,
    });
    return true;
  }

  get(symbol: string): Quote | undefined {
    return this.#quotes.get(symbol);
  }

  all(): Quote[] {
    return [...this.#quotes.values()].sort((a, b) => a.symbol.localeCompare(b.symbol));
  }
}
