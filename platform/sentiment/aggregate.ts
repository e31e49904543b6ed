/**
 * Per-symbol sentiment over time: an exponentially time-decayed mean of text scores with a neutral prior,
 *   aggregate(t) = sum_i w_i s_i / (sum_i w_i + w0),  w_i = 2^(-(t - t_i) / halfLife),
 * so a burst of news moves it quickly, and without news it fades back towards 0 (the prior weight w0 = 1
 * stands for "no evidence"). Updated in O(1) per text: the sums decay by the elapsed time.
 */
export interface SymbolSentiment {
  readonly symbol: string;
  /** Time-decayed mean score at `asOf`, in [-1, 1]. */
  readonly aggregate: number;
  /** Decayed weight of the evidence (texts counted by recency). */
  readonly weight: number;
  readonly texts: number;
  readonly lastTs: number;
  readonly asOf: number;
}

interface State {
  sum: number;
  weight: number;
  ts: number;
  texts: number;
}

export class SentimentAggregator {
  private readonly halfLifeMs: number;
  private readonly prior: number;
  private readonly states = new Map<string, State>();

  constructor(options: { halfLifeMs: number; prior?: number }) {
    if (!(options.halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be positive, got ${options.halfLifeMs}`);
    this.halfLifeMs = options.halfLifeMs;
    this.prior = options.prior ?? 1;
  }

  /** Adds a scored text at time ts and returns the symbol's aggregate just after it. */
  add(symbol: string, score: number, ts: number): SymbolSentiment {
    let state = this.states.get(symbol);
    if (!state) {
      state = { sum: 0, weight: 0, ts, texts: 0 };
      this.states.set(symbol, state);
    }
    if (ts >= state.ts) {
      const decay = this.decay(ts - state.ts);
      state.sum = state.sum * decay + score;
      state.weight = state.weight * decay + 1;
      state.ts = ts;
    } else {
      // A late text counts with the weight it has at the current reference time.
      const w = this.decay(state.ts - ts);
      state.sum += w * score;
      state.weight += w;
    }
    state.texts++;
    return this.view(symbol, state, state.ts);
  }

  get(symbol: string, asOf: number): SymbolSentiment | undefined {
    const state = this.states.get(symbol);
    return state ? this.view(symbol, state, Math.max(asOf, state.ts)) : undefined;
  }

  all(asOf: number): SymbolSentiment[] {
    return [...this.states.entries()]
      .map(([symbol, state]) => this.view(symbol, state, Math.max(asOf, state.ts)))
      .sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  private decay(elapsedMs: number): number {
    return 2 ** (-elapsedMs / this.halfLifeMs);
  }

  private view(symbol: string, state: State, asOf: number): SymbolSentiment {
    const decay = this.decay(asOf - state.ts);
    const sum = state.sum * decay;
    const weight = state.weight * decay;
    const aggregate = Math.max(-1, Math.min(1, sum / (weight + this.prior)));
    return { symbol, aggregate, weight, texts: state.texts, lastTs: state.ts, asOf };
  }
}
