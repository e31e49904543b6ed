/**
 * Streaming correlation of a pair, updated in O(1) per observation: a fixed rolling window (Welford updates
 * for adding the new point and removing the oldest) and an exponentially weighted one (pandas 1.5 `ewm`:
 * adjust=True weights (1 - alpha)^age over all history, adjust=False the recursive form; ignore_na).
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
  /**
   * Runs of equal consecutive complete values of x and y (pandas roll_var): a window whose complete values are
   * all equal has variance exactly 0 there, so no correlation, where add/remove updates can leave a residue.
   */
  private sameX = 0;
  private sameY = 0;
  private lastX = Number.NaN;
  private lastY = Number.NaN;

  constructor(window: number, minPeriods: number = window) {
    if (!Number.isInteger(window) || window < 1)
      throw new AnalyticsInputError(`rolling window must be a positive integer, got ${window}`);
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
    let cancelled = false;
    if (this.slots === this.window) {
      const ox = this.xs[this.head] ?? Number.NaN;
      const oy = this.ys[this.head] ?? Number.NaN;
      if (complete(ox, oy)) cancelled = this.remove(ox, oy);
    } else this.slots++;
    const ok = complete(x, y);
    this.xs[this.head] = ok ? x : Number.NaN;
    this.ys[this.head] = ok ? y : Number.NaN;
    this.head = (this.head + 1) % this.window;
    if (ok) {
      this.sameX = x === this.lastX ? this.sameX + 1 : 1;
      this.sameY = y === this.lastY ? this.sameY + 1 : 1;
      this.lastX = x;
      this.lastY = y;
    }
    // Add/remove updates drift slowly, and a removal that cancels most of a sum of squares leaves a residue
    // (two pairs left of three would not give exactly +-1): an exact recomputation then, and every few windows.
    if (cancelled || ++this.sinceRebuild >= 4 * this.window) this.rebuild();
    else if (ok) this.add(x, y);
    return this.value();
  }

  value(): number | null {
    if (this.count < this.minPeriods) return null;
    if (this.sameX >= this.count || this.sameY >= this.count) return null;
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

  /** Takes a pair out; true when that cancelled most of a sum of squares (digits lost: rebuild). */
  private remove(x: number, y: number): boolean {
    const n = this.count;
    if (n === 1) {
      this.reset();
      return false;
    }
    const [sxx, syy] = [this.sxx, this.syy];
    const mx = (n * this.mx - x) / (n - 1);
    const my = (n * this.my - y) / (n - 1);
    this.sxx -= (x - this.mx) * (x - mx);
    this.syy -= (y - this.my) * (y - my);
    this.sxy -= (x - mx) * (y - this.my);
    this.mx = mx;
    this.my = my;
    this.count = n - 1;
    return this.sxx < 1e-3 * sxx || this.syy < 1e-3 * syy;
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

export interface EwmOptions {
  readonly alpha: number;
  readonly minPeriods: number;
  /** pandas adjust (default true): weights (1 - alpha)^age normalised over all history; false: the recursion. */
  readonly adjust?: boolean;
  /** pandas ignore_na (default false): a missing pair does not age the weights of the older ones. */
  readonly ignoreNa?: boolean;
}

/**
 * The decay of pandas' `ewm` from exactly one of com, span, halflife or alpha (pandas `get_center_of_mass`):
 * alpha = 1/(1 + com) = 2/(span + 1) = 1 - exp(-ln 2 / halflife).
 */
export function ewmAlpha(decay: {
  com?: number | undefined;
  span?: number | undefined;
  halflife?: number | undefined;
  alpha?: number | undefined;
}): number {
  const { com, span, halflife, alpha } = decay;
  const given = [com, span, halflife, alpha].filter((v) => v !== undefined).length;
  if (given !== 1) throw new AnalyticsInputError(`EWM needs exactly one of com, span, halflife, alpha; got ${given}`);
  if (com !== undefined) {
    if (!(com >= 0)) throw new AnalyticsInputError(`EWM com must be >= 0, got ${com}`);
    return 1 / (1 + com);
  }
  if (span !== undefined) {
    if (!(span >= 1)) throw new AnalyticsInputError(`EWM span must be >= 1, got ${span}`);
    return 2 / (span + 1);
  }
  if (halflife !== undefined) {
    if (!(halflife > 0)) throw new AnalyticsInputError(`EWM halflife must be > 0, got ${halflife}`);
    return 1 - Math.exp(-Math.LN2 / halflife);
  }
  const a = alpha ?? Number.NaN;
  if (!(a > 0 && a <= 1)) throw new AnalyticsInputError(`EWM alpha must be in (0, 1], got ${a}`);
  return a;
}

/** Correlation with exponentially decaying weights, as pandas `ewm(alpha, adjust, ignore_na, min_periods).corr`. */
export class EwmaCorrelation {
  readonly alpha: number;
  readonly minPeriods: number;
  private readonly adjust: boolean;
  private readonly ignoreNa: boolean;
  /** pandas' old_wt: the total weight of the observations so far (1 after each one when adjust=false). */
  private weight = 0;
  private count = 0;
  private mx = 0;
  private my = 0;
  private cxx = 0;
  private cyy = 0;
  private cxy = 0;

  constructor(options: EwmOptions) {
    if (!(options.alpha > 0 && options.alpha <= 1))
      throw new AnalyticsInputError(`EWMA alpha must be in (0, 1], got ${options.alpha}`);
    if (!Number.isInteger(options.minPeriods) || options.minPeriods < 0)
      throw new AnalyticsInputError(`EWMA min_periods must be a non-negative integer, got ${options.minPeriods}`);
    this.alpha = options.alpha;
    this.minPeriods = Math.max(1, options.minPeriods);
    this.adjust = options.adjust ?? true;
    this.ignoreNa = options.ignoreNa ?? false;
  }

  /** pandas' convention: span s gives alpha = 2 / (s + 1); no value until minPeriods (default `span`) observations. */
  static fromSpan(span: number, minPeriods: number = Math.ceil(span)): EwmaCorrelation {
    return new EwmaCorrelation({ alpha: ewmAlpha({ span }), minPeriods });
  }

  /**
   * Weighted means and (biased) co-moments updated as pandas' ewmcov does (new weight 1, or alpha when
   * adjust=false, after which the total is renormalised to 1): stable for price levels too. `periods` is how
   * far the older weights age (1 a row; time-decayed EWM: the time since the previous row over the half-life).
   */
  push(x: number, y: number, periods = 1): number | null {
    const fresh = this.adjust ? 1 : this.alpha;
    const old = this.weight * this.decay(periods);
    const total = old + fresh;
    const mxOld = this.mx;
    const myOld = this.my;
    // pandas keeps a mean that equals the new value (and takes the first value as it is): a constant stretch
    // then has co-moments of exactly 0, no correlation, instead of rounding residues.
    this.mx = old === 0 ? x : mxOld === x ? mxOld : (old * mxOld + fresh * x) / total;
    this.my = old === 0 ? y : myOld === y ? myOld : (old * myOld + fresh * y) / total;
    const dx = mxOld - this.mx;
    const dy = myOld - this.my;
    this.cxx = (old * (this.cxx + dx * dx) + fresh * (x - this.mx) * (x - this.mx)) / total;
    this.cyy = (old * (this.cyy + dy * dy) + fresh * (y - this.my) * (y - this.my)) / total;
    this.cxy = (old * (this.cxy + dx * dy) + fresh * (x - this.mx) * (y - this.my)) / total;
    this.weight = this.adjust ? total : 1;
    this.count++;
    return this.value();
  }

  /** A missing observation: nothing is added; the older weights age unless ignore_na (pandas). */
  skip(periods = 1): number | null {
    if (!this.ignoreNa) this.weight *= this.decay(periods);
    return this.value();
  }

  /** How much older weights keep over `periods` (1 a row; with times, the time since the last row / halflife). */
  private decay(periods: number): number {
    return periods === 1 ? 1 - this.alpha : (1 - this.alpha) ** periods;
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

/** pandas' `closed`: which ends of a fixed window's interval (t-window, t] are in it. */
export const rollingClosed = ['right', 'left', 'both', 'neither'] as const;
export type RollingClosed = (typeof rollingClosed)[number];

export interface RollingOptions {
  /** Complete pairs a value needs (pandas min_periods; default the window). */
  readonly minPeriods?: number;
  readonly center?: boolean;
  readonly closed?: RollingClosed;
}

/**
 * Rolling correlation over a whole series, as pandas 1.5 `rolling(window, min_periods, center, closed).corr`:
 * values[t] uses the complete pairs among points t-window+1..t (closed 'right', the default) and is null while
 * fewer than min_periods are complete. pandas' FixedWindowIndexer: the window ends at t+1+offset (exclusive;
 * offset = (window-1) div 2 when centred, else 0) and starts `window` earlier; 'left' and 'both' start one
 * earlier, 'left' and 'neither' end one earlier, both ends cut to the series. So 'left' is the right-closed
 * window of t-1, 'both' one of window+1 points ending at t, 'neither' one of window-1 points ending at t-1.
 */
export function rollingCorrelation(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  window: number,
  options: RollingOptions = {},
): (number | null)[] {
  check(x, y);
  const { minPeriods = window, center = false, closed = 'right' } = options;
  if (!Number.isInteger(window) || window < 1)
    throw new AnalyticsInputError(`rolling window must be a positive integer, got ${window}`);
  if (!Number.isInteger(minPeriods) || minPeriods < 0 || minPeriods > window)
    throw new AnalyticsInputError(`min_periods must be an integer in 0..${window}, got ${minPeriods}`);
  if (!(rollingClosed as readonly string[]).includes(closed))
    throw new AnalyticsInputError(
      `rolling closed must be one of ${rollingClosed.join(', ')}, got ${JSON.stringify(closed)}`,
    );
  const size = window + (closed === 'both' ? 1 : 0) - (closed === 'neither' ? 1 : 0);
  const lag = closed === 'left' || closed === 'neither' ? 1 : 0;
  // A window that can never hold min_periods (or the 2 a correlation needs) complete pairs: all null, as pandas.
  if (size < Math.max(2, minPeriods)) return Array.from({ length: x.length }, () => null);
  const roll = new RollingCorrelation(size, minPeriods);
  // values[t] is the right-aligned value at t+offset-lag, with missing slots past the series' end; at -1
  // (the first point of a window closed on the left or open at both ends) the window is empty.
  const offset = center ? Math.floor((window - 1) / 2) : 0;
  const all = Array.from({ length: x.length + offset }, (_, t) => roll.push(x[t] ?? Number.NaN, y[t] ?? Number.NaN));
  return Array.from({ length: x.length }, (_, t) => (t + offset - lag < 0 ? null : (all[t + offset - lag] ?? null)));
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
  return ewmCorrelation(x, y, { alpha: ewmAlpha({ span }), minPeriods: minPeriods ?? Math.ceil(span) });
}

/** EWM correlation over a whole series with every pandas option (adjust, ignore_na, min_periods). */
export function ewmCorrelation(x: ArrayLike<number>, y: ArrayLike<number>, options: EwmOptions): (number | null)[] {
  check(x, y);
  const ewma = new EwmaCorrelation(options);
  return Array.from({ length: x.length }, (_, t) =>
    complete(x[t], y[t]) ? ewma.push(x[t] ?? 0, y[t] ?? 0) : ewma.skip(),
  );
}
