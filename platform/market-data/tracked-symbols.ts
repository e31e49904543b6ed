export interface SymbolBounds {
  /** Symbols outside the instrument catalog that the service keeps state for (quotes, bars, search). */
  readonly maxFeedSymbols: number;
  /** A symbol outside the catalog with no tick for this long is forgotten. */
  readonly idleMs: number;
}

/**
 * Which symbols the service keeps per-symbol state for. Catalog instruments always (a fixed set); symbols
 * outside it, seen on the feed, up to `maxFeedSymbols`: a tick for one more is refused (and counted) until
 * an idle symbol is forgotten, so invented symbols cannot grow the quote book, the bar aggregator or the
 * search index without bound.
 */
export class TrackedSymbols {
  readonly #bounds: SymbolBounds;
  readonly #inCatalog: (symbol: string) => boolean;
  /** Symbols outside the catalog by the wall time of their last tick, least recent first. */
  readonly #feed = new Map<string, number>();
  #refused = 0;

  constructor(bounds: SymbolBounds, inCatalog: (symbol: string) => boolean) {
    this.#bounds = bounds;
    this.#inCatalog = inCatalog;
  }

  /** Notes a tick of `symbol` at `now`; false when the symbol may not be tracked (the tick is dropped). */
  admit(symbol: string, now: number): boolean {
    if (this.#inCatalog(symbol)) return true;
    if (this.#feed.has(symbol)) {
      this.#feed.delete(symbol); // re-inserted last: the map stays ordered by last tick
      this.#feed.set(symbol, now);
      return true;
    }
    if (this.#feed.size >= this.#bounds.maxFeedSymbols) {
      this.#refused += 1;
      return false;
    }
    this.#feed.set(symbol, now);
    return true;
  }

  isKnown(symbol: string): boolean {
    return this.#inCatalog(symbol) || this.#feed.has(symbol);
  }

  /** Symbols outside the catalog currently tracked. */
  feedSymbols(): Iterable<string> {
    return this.#feed.keys();
  }

  /** Forgets the symbols outside the catalog idle for `idleMs`; returns them so their state is dropped too. */
  evictIdle(now: number): string[] {
    const evicted: string[] = [];
    for (const [symbol, last] of this.#feed) {
      if (now - last < this.#bounds.idleMs) break;
      evicted.push(symbol);
    }
    for (const symbol of evicted) this.#feed.delete(symbol);
    return evicted;
  }

  stats(): { tracked: number; refused: number } {
    return { tracked: this.#feed.size, refused: this.#refused };
  }
}
