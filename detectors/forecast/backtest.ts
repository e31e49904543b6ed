import type { Point } from '../series.ts';
import type { ForecastPoint } from './model.ts';
import { DAY_MS } from './sampling.ts';

/** Anything that, given a training history, can forecast future instants. */
export type ForecastMethod = (history: readonly Point[]) => (ts: number) => ForecastPoint | number;

export interface BacktestOptions {
  /** Horizons in observations ahead of the origin (the h-th next row of the series). */
  readonly horizons: readonly number[];
  /** Rolling origins evaluated, evenly spaced between `minTrain` and the end (default 20). */
  readonly origins?: number;
  /** Observations before the first origin (default: half the series). */
  readonly minTrain?: number;
  /** Most recent observations handed to the method at each origin (default: all so far). */
  readonly maxTrain?: number;
  /**
   * Cycle of the seasonal-naive baseline and the MASE scale (default: a day, or naive when the history is shorter than
   * two).
   */
  readonly seasonMs?: number;
}

export interface HorizonScore {
  readonly steps: number;
  /** Mean absolute error over the in-sample MAE of the (seasonal-)naive one-step forecast. */
  readonly mase: number;
  readonly smape: number;
  readonly baselineMase: number;
  readonly baselineSmape: number;
  /** Share of actual values inside the 80% / 95% intervals (NaN when the method gives no intervals). */
  readonly coverage80: number;
  readonly coverage95: number;
  readonly forecasts: number;
}

export interface BacktestResult {
  /** 'seasonal-naive' with its cycle in ms, or 'naive'. */
  readonly scale: { readonly kind: 'seasonal-naive' | 'naive'; readonly seasonMs: number };
  readonly horizons: readonly HorizonScore[];
}

/** Symmetric MAPE of one forecast in percent (0..200); 0 when both are zero. */
export function smape(actual: number, forecast: number): number {
  const denominator = Math.abs(actual) + Math.abs(forecast);
  return denominator === 0 ? 0 : (200 * Math.abs(actual - forecast)) / denominator;
}

/**
 * The seasonal-naive forecast for `ts`: the last value observed at or before `ts - seasonMs` (within a
 * tolerance of a quarter cycle, so irregular sampling still finds its counterpart), else the last value.
 */
export function seasonalNaive(history: readonly Point[], seasonMs: number): (ts: number) => number {
  const lastValue = history[history.length - 1]?.value ?? Number.NaN;
  if (seasonMs <= 0) return () => lastValue;
  return (ts) => {
    const i = lastAtOrBefore(history, ts - seasonMs);
    const p = history[i];
    return p !== undefined && ts - seasonMs - p.ts <= seasonMs / 4 ? p.value : lastValue;
  };
}

/** In-sample MAE of the one-step seasonal-naive (or naive) forecast: the MASE denominator (Hyndman & Koehler 2006). */
export function naiveScale(history: readonly Point[], seasonMs: number): number {
  let sum = 0;
  let count = 0;
  for (let i = 1; i < history.length; i++) {
    const p = history[i];
    if (p === undefined) continue;
    let reference: number | undefined;
    if (seasonMs <= 0) reference = history[i - 1]?.value;
    else {
      const j = lastAtOrBefore(history, p.ts - seasonMs);
      const q = history[j];
      if (q !== undefined && p.ts - seasonMs - q.ts <= seasonMs / 4) reference = q.value;
    }
    if (reference === undefined) continue;
    sum += Math.abs(p.value - reference);
    count++;
  }
  return count > 0 ? sum / count : Number.NaN;
}

/**
 * Rolling-origin evaluation (Tashman 2000): at each origin the method sees only the rows before it and
 * forecasts the rows `horizons` ahead; errors are scaled per origin by that origin's in-sample naive MAE.
 * The seasonal-naive baseline is scored on the same origins and rows.
 */
export function backtest(points: readonly Point[], method: ForecastMethod, options: BacktestOptions): BacktestResult {
  const n = points.length;
  const maxH = Math.max(...options.horizons);
  const span = (points[n - 1]?.ts ?? 0) - (points[0]?.ts ?? 0);
  const minTrain = options.minTrain ?? Math.floor(n / 2);
  const seasonMs = options.seasonMs ?? (span * (minTrain / Math.max(1, n)) >= 2 * DAY_MS ? DAY_MS : 0);
  const originCount = Math.max(1, options.origins ?? 20);
  const last = n - maxH;
  const acc = options.horizons.map(() => ({
    mase: 0,
    smape: 0,
    bMase: 0,
    bSmape: 0,
    in80: 0,
    in95: 0,
    intervals: 0,
    count: 0,
  }));
  for (let o = 0; o < originCount && minTrain < last; o++) {
    const origin = minTrain + Math.floor(((last - minTrain) * o) / Math.max(1, originCount - 1));
    const history = points.slice(Math.max(0, origin - (options.maxTrain ?? origin)), origin);
    const scale = naiveScale(history, seasonMs);
    if (!(scale > 0)) continue;
    const predict = method(history);
    const baseline = seasonalNaive(history, seasonMs);
    options.horizons.forEach((h, k) => {
      const target = points[origin + h - 1];
      const a = acc[k];
      if (target === undefined || a === undefined) return;
      const out = predict(target.ts);
      const mean = typeof out === 'number' ? out : out.value;
      const base = baseline(target.ts);
      a.mase += Math.abs(target.value - mean) / scale;
      a.smape += smape(target.value, mean);
      a.bMase += Math.abs(target.value - base) / scale;
      a.bSmape += smape(target.value, base);
      if (typeof out !== 'number') {
        a.intervals++;
        if (target.value >= out.lower80 && target.value <= out.upper80) a.in80++;
        if (target.value >= out.lower95 && target.value <= out.upper95) a.in95++;
      }
      a.count++;
    });
  }
  return {
    scale: { kind: seasonMs > 0 ? 'seasonal-naive' : 'naive', seasonMs },
    horizons: options.horizons.map((steps, k) => {
      const a = acc[k] ?? { mase: 0, smape: 0, bMase: 0, bSmape: 0, in80: 0, in95: 0, intervals: 0, count: 0 };
      const c = a.count > 0 ? a.count : Number.NaN;
      const ci = a.intervals > 0 ? a.intervals : Number.NaN;
      return {
        steps,
        mase: a.mase / c,
        smape: a.smape / c,
        baselineMase: a.bMase / c,
        baselineSmape: a.bSmape / c,
        coverage80: a.in80 / ci,
        coverage95: a.in95 / ci,
        forecasts: a.count,
      };
    }),
  };
}

/** Index of the last point with ts <= t (points in time order), or -1. */
function lastAtOrBefore(points: readonly Point[], t: number): number {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = points[mid];
    if (p !== undefined && p.ts <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
