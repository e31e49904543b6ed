/** Market states in which a quote is expected to move. */
const LIVE_STATES = new Set(['PRE', 'REGULAR', 'POST']);

interface Seen {
  quoteTime: number;
  marketState: string;
  observedAt: number;
}

/**
 * Per-symbol staleness of an upstream: a symbol is stale when its market is trading but its last trade is
 * older than `staleAfterMs`, or when the upstream stopped returning it for that long. A closed market's
 * old quote is not stale.
 */
export class StalenessTracker {
  readonly #staleAfterMs: number;
  readonly #seen = new Map<string, Seen>();

  constructor(staleAfterMs: number) {
    this.#staleAfterMs = staleAfterMs;
  }

  observe(symbol: string, quoteTime: number, marketState: string, now: number): void {
    this.#seen.set(symbol, { quoteTime, marketState, observedAt: now });
  }

  /** Stale symbols among `expected` (the symbols polled), sorted. */
  stale(expected: readonly string[], now: number): string[] {
    return expected
      .filter((symbol) => {
        const seen = this.#seen.get(symbol);
        if (seen === undefined) return false;
        if (now - seen.observedAt > this.#staleAfterMs) return true;
        return LIVE_STATES.has(seen.marketState) && now - seen.quoteTime > this.#staleAfterMs;
      })
      .sort();
  }
}
