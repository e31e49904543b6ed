import type { TopicInput } from '../../platform/backbone/topics.ts';

export type Tick = TopicInput<'market.ticks'>;

/** mulberry32: a small seeded PRNG, so a seed replays the same market. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const KNOWN = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'JPM', 'BAC', 'XOM', 'JNJ', 'WMT', 'SPY', 'NVDA', 'META', 'TSLA', 'V', 'MA', 'PG', 'KO', 'PFE', 'CVX', 'DIS'];

/** The first `count` symbols: well-known tickers, then synthetic ones (SYM21, SYM22, ...). */
export function symbolUniverse(count: number): string[] {
  return Array.from({ length: count }, (_, i) => KNOWN[i] ?? `SYM${String(i + 1)}`);
}

export interface SimulatedFeedOptions {
  readonly symbols: readonly string[];
  readonly seed: number;
  /** Annualised volatility range; each symbol draws its own. */
  readonly volatility?: readonly [number, number];
}

/**
 * Geometric Brownian motion per symbol with a spread around the last trade: a first, deterministic
 * source of real traffic for the backbone.
 */
export class SimulatedFeed {
  readonly #random: () => number;
  readonly #state: { symbol: string; price: number; sigma: number }[];

  constructor(options: SimulatedFeedOptions) {
    this.#random = seededRandom(options.seed);
    const [lo, hi] = options.volatility ?? [0.15, 0.6];
    this.#state = options.symbols.map((symbol) => ({
      symbol,
      price: 20 + this.#random() * 480,
      sigma: lo + this.#random() * (hi - lo),
    }));
  }

  /** One tick per symbol for a step of `dtMs` at time `now`. */
  next(now: number, dtMs: number): Tick[] {
    const years = dtMs / (365.25 * 24 * 3600 * 1000);
    return this.#state.map((s) => {
      s.price *= Math.exp(-0.5 * s.sigma ** 2 * years + s.sigma * Math.sqrt(years) * gaussian(this.#random));
      const price = round(s.price);
      const halfSpread = Math.max(0.01, round(price * 0.0002));
      return { symbol: s.symbol, price, size: 1 + Math.floor(this.#random() * 500), bid: round(price - halfSpread), ask: round(price + halfSpread), ts: now };
    });
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
