/**
 * Time-based windows over timestamped points (pandas 1.5.3 `rolling('60D')` on a DatetimeIndex, and
 * `ewm(halflife='4 days', times=...)`): the window bounds of pandas' `calculate_variable_window_bounds`, the
 * rolling correlation on them, and the EWM correlation whose weights decay with the time between points.
 */
import { AnalyticsInputError } from './errors.ts';
import { EwmaCorrelation, type RollingClosed } from './rolling.ts';

/** Points [start[i], end[i]) make the window of point i. */
export interface WindowBounds {
  readonly start: Int32Array;
  readonly end: Int32Array;
}

/** pandas requires a monotonic index; a decreasing one (which pandas also accepts) is not supported here. */
export function requireTimes(times: ArrayLike<number>, n: number): void {
  if (times.length !== n) throw new AnalyticsInputError(`times: ${times.length} given for ${n} points`);
  for (let i = 0; i < n; i++) {
    const t = times[i] ?? Number.NaN;
    if (!Number.isFinite(t)) throw new AnalyticsInputError(`times[${i}] is not a valid timestamp`);
    if (i > 0 && t < (times[i - 1] ?? 0))
      throw new AnalyticsInputError(`times must be non-decreasing (pandas: a monotonic index); times[${i}] goes back`);
  }
}

/**
 * pandas' `calculate_variable_window_bounds` for an increasing index (window (t - w, t] for closed 'right';
 * 'left' and 'both' close the left end, 'left' and 'neither' leave out the point itself, earlier points at the
 * same time included). Centred, the window is (t - w/2, t + w/2], its end found as pandas does: the first point
 * at or beyond t + w/2, one past it when the right end is closed (a later duplicate of that time is left out).
 */
export function timeWindowBounds(
  times: ArrayLike<number>,
  windowMs: number,
  center: boolean,
  closed: RollingClosed,
): WindowBounds {
  const n = times.length;
  const start = new Int32Array(n);
  const end = new Int32Array(n);
  if (n === 0) return { start, end };
  const rightClosed = closed === 'right' || closed === 'both';
  const leftClosed = closed === 'left' || closed === 'both';
  const at = (j: number): number => times[j] ?? Number.NaN;
  // In the left-closed window a point exactly at the start bound is in: pandas moves the bound 1 ns earlier.
  const inside = (j: number, bound: number): boolean => (leftClosed ? at(j) >= bound : at(j) > bound);
  // The first point's loop takes every point at the bound; the later ones stop after the first of them.
  const centredEnd = (from: number, bound: number, first: boolean): number => {
    for (let j = from; j < n; j++) {
      if (at(j) < bound) continue;
      if (at(j) !== bound || !rightClosed) return j;
      if (!first) return j + 1;
    }
    return n;
  };
  start[0] = 0;
  end[0] = center ? centredEnd(0, at(0) + windowMs / 2, true) : rightClosed ? 1 : 0;
  for (let i = 1; i < n; i++) {
    const startBound = at(i) - (center ? windowMs / 2 : windowMs);
    let s = i;
    for (let j = start[i - 1] ?? 0; j < i; j++) {
      if (inside(j, startBound)) {
        s = j;
        break;
      }
    }
    start[i] = s;
    if (center) end[i] = centredEnd(end[i - 1] ?? 0, at(i) + windowMs / 2, false);
    else end[i] = rightClosed ? i + 1 : i;
  }
  return { start, end };
}

/** The points the windows hold in all: the cost of computing each window's correlation afresh. */
export function boundsWork(bounds: WindowBounds): number {
  let work = 0;
  for (let i = 0; i < bounds.start.length; i++) work += Math.max(0, (bounds.end[i] ?? 0) - (bounds.start[i] ?? 0));
  return work;
}

/**
 * The correlation of the complete pairs of each window, two-pass (exact, no add/remove drift), null below
 * min_periods (at least 2) complete pairs or when the window's complete x (or y) are all equal (pandas' roll_var
 * gives exactly 0 there).
 */
export function correlationOverBounds(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  bounds: WindowBounds,
  minPeriods: number,
): (number | null)[] {
  const need = Math.max(2, minPeriods);
  return Array.from(bounds.start, (s, i) => {
    const e = bounds.end[i] ?? s;
    let n = 0;
    let sx = 0;
    let sy = 0;
    let varyX = false;
    let varyY = false;
    let x0 = Number.NaN;
    let y0 = Number.NaN;
    for (let j = s; j < e; j++) {
      const [a = Number.NaN, b = Number.NaN] = [x[j], y[j]];
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      if (n === 0) [x0, y0] = [a, b];
      varyX ||= a !== x0;
      varyY ||= b !== y0;
      n++;
      sx += a;
      sy += b;
    }
    if (n < need || !varyX || !varyY) return null;
    const [mx, my] = [sx / n, sy / n];
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let j = s; j < e; j++) {
      const [a = Number.NaN, b = Number.NaN] = [x[j], y[j]];
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      sxx += (a - mx) * (a - mx);
      syy += (b - my) * (b - my);
      sxy += (a - mx) * (b - my);
    }
    const d = Math.sqrt(sxx * syy);
    if (!(d > 0)) return null;
    const r = sxy / d;
    return r > 1 ? 1 : r < -1 ? -1 : r;
  });
}

export interface TimeRollingOptions {
  /** Complete pairs a value needs (pandas' default for a time window: 1; a correlation needs 2 anyway). */
  readonly minPeriods?: number;
  readonly center?: boolean;
  readonly closed?: RollingClosed;
}

/** Rolling correlation over a time window of `windowMs` (pandas `rolling('60D', ...).corr` on the times). */
export function rollingCorrelationOverTime(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  times: ArrayLike<number>,
  windowMs: number,
  options: TimeRollingOptions = {},
): (number | null)[] {
  if (x.length !== y.length) throw new AnalyticsInputError(`series lengths differ: ${x.length} and ${y.length}`);
  requireTimes(times, x.length);
  const { minPeriods = 1, center = false, closed = 'right' } = options;
  if (!Number.isInteger(minPeriods) || minPeriods < 0)
    throw new AnalyticsInputError(`min_periods must be a non-negative integer, got ${minPeriods}`);
  if (!(windowMs > 0)) throw new AnalyticsInputError(`a time window must be positive, got ${windowMs} ms`);
  return correlationOverBounds(x, y, timeWindowBounds(times, windowMs, center, closed), minPeriods);
}

export interface EwmTimesOptions {
  /** The half-life in ms: weights fall to (1 - alpha)^(dt / halflife); alpha 0.5 (pandas' com=1) by default. */
  readonly halflifeMs: number;
  /** From com, span or alpha given beside times (pandas then takes its decay per half-life). */
  readonly alpha?: number;
  readonly minPeriods: number;
  readonly ignoreNa?: boolean;
}

/**
 * EWM correlation with weights decaying in time, as pandas' `ewm(halflife, times).mean()` weighs points
 * (adjust=True; `old_wt *= (1 - alpha) ** ((t[i] - t[i-1]) / halflife)` at each row, com 1 unless com, span or
 * alpha is given). With ignore_na a missing row does not age the weights and the next point ages them only by
 * the time since that missing row, as pandas' loop does. pandas 1.5 itself applies `times` to mean() and sum()
 * only: its corr() ignores them (com=1 per row); this is those mean weights carried into the co-moments.
 */
export function ewmCorrelationOverTime(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  times: ArrayLike<number>,
  options: EwmTimesOptions,
): (number | null)[] {
  if (x.length !== y.length) throw new AnalyticsInputError(`series lengths differ: ${x.length} and ${y.length}`);
  requireTimes(times, x.length);
  if (!(options.halflifeMs > 0)) throw new AnalyticsInputError(`EWM halflife must be positive`);
  const ewma = new EwmaCorrelation({
    alpha: options.alpha ?? 0.5,
    minPeriods: options.minPeriods,
    ignoreNa: options.ignoreNa ?? false,
  });
  return Array.from({ length: x.length }, (_, t) => {
    const periods = t === 0 ? 1 : ((times[t] ?? 0) - (times[t - 1] ?? 0)) / options.halflifeMs;
    const [a, b] = [x[t] ?? Number.NaN, y[t] ?? Number.NaN];
    return Number.isFinite(a) && Number.isFinite(b) ? ewma.push(a, b, periods) : ewma.skip(periods);
  });
}
