import type { PriceRule } from './rules.ts';

/** What fired: the observed value and a sentence for the user. */
export interface Firing {
  readonly observed: number;
  readonly message: string;
}

export interface Bar {
  readonly start: number;
  readonly close: number;
  readonly volume: number;
}

/** Pearson correlation; NaN when either series is constant. */
export function correlation(x: readonly number[], y: readonly number[]): number {
  const n = Math.min(x.length, y.length);
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i] ?? 0;
    sy += y[i] ?? 0;
  }
  const mx = sx / n;
  const my = sy / n;
  let cov = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] ?? 0) - mx;
    const dy = (y[i] ?? 0) - my;
    cov += dx * dy;
    vx += dx * dx;
    vy += dy * dy;
  }
  return cov / Math.sqrt(vx * vy);
}

function returns(bars: readonly Bar[]): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 1; i < bars.length; i++) {
    const prev = bars[i - 1];
    const cur = bars[i];
    if (prev !== undefined && cur !== undefined) out.set(cur.start, cur.close / prev.close - 1);
  }
  return out;
}

/**
 * Per-rule state: price crossings need the previous price, percent moves a window of prices, volume
 * spikes and correlation breaks recent bars. Pure: the caller feeds ticks and bars and publishes firings.
 */
export class RuleState {
  readonly rule: PriceRule;
  #lastPrice: number | undefined;
  readonly #prices: { ts: number; price: number }[] = [];
  #lastCorrelation: number | undefined;
  #lastFiredAt: number;

  /** `lastFiredAt`: the rule's last firing before a restart, so its cooldown goes on. */
  constructor(rule: PriceRule, lastFiredAt = -Infinity) {
    this.rule = rule;
    this.#lastFiredAt = lastFiredAt;
  }

  get lastFiredAt(): number {
    return this.#lastFiredAt;
  }

  onTick(price: number, ts: number): Firing | undefined {
    const r = this.rule;
    const prev = this.#lastPrice;
    this.#lastPrice = price;
    if (r.kind === 'price_above' && prev !== undefined && prev <= r.threshold && price > r.threshold)
      return this.#fire(ts, price, `${r.symbol} crossed above ${String(r.threshold)} (now ${String(price)})`);
    if (r.kind === 'price_below' && prev !== undefined && prev >= r.threshold && price < r.threshold)
      return this.#fire(ts, price, `${r.symbol} crossed below ${String(r.threshold)} (now ${String(price)})`);
    if (r.kind === 'percent_move') {
      this.#prices.push({ ts, price });
      while ((this.#prices[0]?.ts ?? ts) < ts - r.windowMinutes * 60_000) this.#prices.shift();
      const ref = this.#prices[0]?.price ?? price;
      const move = (price / ref - 1) * 100;
      if (Math.abs(move) >= r.threshold) {
        const fired = this.#fire(ts, move, `${r.symbol} moved ${move.toFixed(2)}% in ${String(r.windowMinutes)} min`);
        if (fired !== undefined) this.#prices.splice(0, this.#prices.length - 1);
        return fired;
      }
    }
    return undefined;
  }

  /** `bars` is the symbol's recent 1-minute bars, oldest first; `other` the other symbol's for correlation. */
  onBar(bars: readonly Bar[], other: readonly Bar[], ts: number): Firing | undefined {
    const r = this.rule;
    if (r.kind === 'volume_spike') {
      const last = bars.at(-1);
      const history = bars.slice(-1 - r.lookbackBars, -1);
      if (last === undefined || history.length < 5) return undefined;
      const mean = history.reduce((s, b) => s + b.volume, 0) / history.length;
      if (mean > 0 && last.volume >= r.threshold * mean)
        return this.#fire(
          ts,
          last.volume / mean,
          `${r.symbol} volume ${(last.volume / mean).toFixed(1)}x its ${String(history.length)}-bar average`,
        );
    }
    if (r.kind === 'correlation_break') {
      const a = returns(bars.slice(-1 - r.lookbackBars));
      const b = returns(other.slice(-1 - r.lookbackBars));
      const x: number[] = [];
      const y: number[] = [];
      for (const [start, ra] of a) {
        const rb = b.get(start);
        if (rb !== undefined) {
          x.push(ra);
          y.push(rb);
        }
      }
      if (x.length < Math.min(10, r.lookbackBars)) return undefined;
      const c = correlation(x, y);
      if (Number.isNaN(c)) return undefined;
      const prev = this.#lastCorrelation;
      this.#lastCorrelation = c;
      if (prev !== undefined && prev >= r.threshold && c < r.threshold)
        return this.#fire(
          ts,
          c,
          `${r.symbol} and ${r.otherSymbol} decoupled: correlation ${c.toFixed(2)} < ${String(r.threshold)}`,
        );
    }
    return undefined;
  }

  /** Until when the rule stays quiet after its last firing (undefined when it is not cooling down at `now`). */
  cooldownUntil(now: number): number | undefined {
    const until = this.#lastFiredAt + this.rule.cooldownMinutes * 60_000;
    return until > now ? until : undefined;
  }

  #fire(ts: number, observed: number, message: string): Firing | undefined {
    if (!this.rule.enabled || ts - this.#lastFiredAt < this.rule.cooldownMinutes * 60_000) return undefined;
    this.#lastFiredAt = ts;
    return { observed, message };
  }
}
