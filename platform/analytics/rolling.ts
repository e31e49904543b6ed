/**
 * Streaming correlation of a pair, updated in O(1) per observation: a fixed rolling window (Welford updates
 * for adding the new point and removing the oldest) and an exponentially weighted one (pandas ewm with
 * adjust=True: weights (1 - alpha)^age over all history).
 */
import { AnalyticsInputError } from './errors.ts';

const complete = (a: number | undefined, b: number | undefined): boolean => Number.isFinite(a) && Number.isFinite(b);

export class RollingCorrelation {
  readonly window: number;
  /** Complete pairs a window needs for a value (pandas min_periods; at least 2). */
  readonly minPeriods: number;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private head = 0;
  /** Slots filled (complete or missing) and complete pairs among them. */
  private slots = 0;
  private count = 0;
  private mx = 0;
  private my = 0;
  private sxx = 0;
  private syy = 0;
  private sxy = 0;
  private sinceRebuild = 0;

  constructor(window: number, minPeriods: number = window) {
    if (!Number.isInteger(window) || window < 3)
      throw new AnalyticsInputError(`rolling window must be an integer >= 3, got ${window}`);
    if (!Number.isInteger(minPeriods) || minPeriods < 0 || minPeriods > window)
      throw new AnalyticsInputError(`min_periods must be an integer in 0..${window}, got ${minPeriods}`);
    this.window = window;
    this.minPeriods = Math.max(2, minPeriods);
    this.xs = new Float64Array(window);
    this.ys = new Float64Array(window);
  }

  /**
   * Adds a pair and returns the correlation of the complete pairs among the last `window`, or null while fewer
   * than min_periods are complete. A non-finite x or y is a missing pair: it takes a slot but adds nothing.
   */
  push(x: number, y: number): number | null {
    if (this.slots === this.window) {
      const ox = this.xs[this.head] ?? Number.NaN;
      const oy = this.ys[this.head] ?? Number.NaN;
      if (complete(ox, oy)) this.remove(ox, oy);
    } else this.slots++;
    const ok = complete(x, y);
    this.xs[this.head] = ok ? x : Number.NaN;
    this.ys[this.head] = ok ? y : Number.NaN;
    this.head = (this.head + 1) % this.window;
    if (ok) this.add(x, y);
    // Add/remove updates drift slowly; an exact recomputation every few windows bounds the error.
    if (++this.sinceRebuild >= 4 * this.window) this.rebuild();
    return this.value();
  }

  value(): number | null {
    if (this.count < this.minPeriods) return null;
    const d = Math.sqrt(this.sxx * this.syy);
    if (!(d > 0)) return null;
    const r = this.sxy / d;
    return r > 1 ? 1 : r < -1 ? -1 : r;
  }

  get size(): number {
    return this.count;
  }

  private add(x: number, y: number): void {
    this.count++;
    const dx = x - this.mx;
    const dy = y - this.my;
    this.mx += dx / this.count;
    this.my += dy / this.count;
    this.sxx += dx * (x - this.mx);
    this.syy += dy * (y - this.my);
    this.sxy += dx * (y - this.my);
  }

  private remove(x: number, y: number): void {
    const n = this.count;
    if (n === 1) {
      this.reset();
      return;
    }
    const mx = (n * this.mx - x) / (n - 1);
    const my = (n * this.my - y) / (n - 1);
    this.sxx -= (x - this.mx) * (x - mx);
    this.syy -= (y - this.my) * (y - my);
    this.sxy -= (x - mx) * (y - this.my);
    this.mx = mx;
    this.my = my;
    this.count = n - 1;
  }

  private reset(): void {
    this.count = 0;
    this.mx = 0;
    this.my = 0;
    this.sxx = 0;
    this.syy = 0;
    this.sxy = 0;
  }

  private rebuild(): void {
    const n = this.slots;
    const start = (this.head - n + this.window) % this.window;
    this.reset();
    for (let i = 0; i < n; i++) {
      const at = (start + i) % this.window;
      const x = this.xs[at] ?? Number.NaN;
      const y = this.ys[at] ?? Number.NaN;
      if (complete(x, y)) this.add(x, y);
    }
    this.sinceRebuild = 0;
  }
}

/** Correlation with exponentially decaying weights, as pandas ewm(span or alpha, adjust=True).corr. */
export class EwmaCorrelation {
  readonly alpha: number;
  readonly minPeriods: number;
  private weight = 0;
  private count = 0;
  private mx = 0;
  private my = 0;
  private cxx = 0;
  private cyy = 0;
  private cxy = 0;

  constructor(options: { alpha: number; minPeriods: number }) {
    if (!(options.alpha > 0 && options.alpha <= 1))
      throw new AnalyticsInputError(`EWMA alpha must be in (0, 1], got ${options.alpha}`);
    this.alpha = options.alpha;
    this.minPeriods = Math.max(1, options.minPeriods);
  }

  /** pandas' convention: span s gives alpha = 2 / (s + 1); no value until minPeriods (default `span`) observations. */
  static fromSpan(span: number, minPeriods: number = Math.ceil(span)): EwmaCorrelation {
    if (!(span >= 1)) throw new AnalyticsInputError(`EWMA span must be >= 1, got ${span}`);
    if (!Number.isInteger(minPeriods) || minPeriods < 0)
      throw new AnalyticsInputError(`EWMA min_periods must be a non-negative integer, got ${minPeriods}`);
    return new EwmaCorrelation({ alpha: 2 / (span + 1), minPeriods });
  }

  /** Weighted means and (biased) co-moments updated as pandas' ewmcov does: stable for price levels too. */
  push(x: number, y: number): number | null {
    const old = this.weight * (1 - this.alpha);
    const total = old + 1;
    const mxOld = this.mx;
    const myOld = this.my;
    this.mx = (old * mxOld + x) / total;
    this.my = (old * myOld + y) / total;
    this.cxx = (old * (this.cxx + (mxOld - this.mx) * (mxOld - this.mx)) + (x - this.mx) * (x - this.mx)) / total;
    this.cyy = (old * (this.cyy + (myOld - this.my) * (myOld - this.my)) + (y - this.my) * (y - this.my)) / total;
    this.cxy = (old * (this.cxy + (mxOld - this.mx) * (myOld - this.my)) + (x - this.mx) * (y - this.my)) / total;
    this.weight = total;
    this.count++;
    return this.value();
  }

  /** A missing observation: nothing is added, but the older weights still age (pandas, ignore_na=False). */
  skip(): number | null {
    this.weight *= 1 - this.alpha;
    return this.value();
  }

  value(): number | null {
    if (this.count < this.minPeriods) return null;
    const d = Math.sqrt(this.cxx * this.cyy);
    if (!(d > 0)) return null;
    const r = this.cxy / d;
    return r > 1 ? 1 : r < -1 ? -1 : r;
  }
}

function check(x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length) throw new AnalyticsInputError(`series lengths differ: ${x.length} and ${y.length}`);
}

/**
 * Rolling correlation over a whole series, as pandas `rolling(window, min_periods).corr`: values[t] uses the
 * complete pairs among points t-window+1..t and is null while fewer than min_periods (default window) are complete.
 */
export function rollingCorrelation(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  window: number,
  minPeriods: number = window,
): (number | null)[] {
  check(x, y);
  const roll = new RollingCorrelation(window, minPeriods);
  return Array.from({ length: x.length }, (_, t) => roll.push(x[t] ?? Number.NaN, y[t] ?? Number.NaN));
}

/**
 * EWMA correlation over a whole series (pandas `ewm(span, adjust=True, min_periods).corr`, min_periods default
 * span); missing points add nothing but age the weights (pandas ignore_na=False).
 */
export function ewmaCorrelation(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  span: number,
  minPeriods?: number,
): (number | null)[] {
  check(x, y);
  const ewma = EwmaCorrelation.fromSpan(span, minPeriods);
  return Array.from({ length: x.length }, (_, t) =>
    complete(x[t], y[t]) ? ewma.push(x[t] ?? 0, y[t] ?? 0) : ewma.skip(),
  );
}
