import type { Point } from '../series.ts';
import { fitForecaster, type FittedForecaster, type ForecastPoint, type ForecasterOptions } from './model.ts';

export interface LoadForecasterOptions extends ForecasterOptions {
  /** Most recent points kept (default 6048: three weeks at 5 minutes). State per series never exceeds it. */
  readonly maxPoints?: number;
  /** Points accepted between refits (default 12); forecasts in between reuse the last fit. */
  readonly refitEvery?: number;
  /**
   * When set, points are averaged into buckets of this length before they are kept (e.g. 10 s scrapes into minutes).
   */
  readonly resolutionMs?: number;
}

/** A forecaster for one live series: bounded history, refitted lazily off the ingest path. */
export interface LoadForecaster {
  /** Adds an observation (time order; older or non-finite points are ignored). */
  update(point: Point): void;
  /** Forecasts for the next `steps` sampling intervals, or [] while fewer than 3 points are known. */
  forecast(steps: number): ForecastPoint[];
  forecastAt(ts: number): ForecastPoint | undefined;
  readonly size: number;
}

export function createLoadForecaster(options: LoadForecasterOptions = {}): LoadForecaster {
  const maxPoints = options.maxPoints ?? 6048;
  const refitEvery = options.refitEvery ?? 12;
  let points: Point[] = [];
  let sinceFit = Number.POSITIVE_INFINITY;
  let model: FittedForecaster | undefined;
  const current = (): FittedForecaster | undefined => {
    if (points.length < 3) return undefined;
    if (model === undefined || sinceFit >= refitEvery) {
      model = fitForecaster(points, options);
      sinceFit = 0;
    }
    return model;
  };
  const resolution = options.resolutionMs;
  let bucket: { start: number; sum: number; count: number } | undefined;
  const keep = (point: Point): void => {
    points.push(point);
    // Trim in batches so the copy is amortised; the array holds at most 1.25 x maxPoints.
    if (points.length > maxPoints * 1.25) points = points.slice(points.length - maxPoints);
    sinceFit++;
  };
  return {
    update(point) {
      const last = points[points.length - 1];
      if (!Number.isFinite(point.value) || (last !== undefined && point.ts < last.ts)) return;
      if (resolution === undefined) {
        keep(point);
        return;
      }
      const start = Math.floor(point.ts / resolution) * resolution;
      if (bucket !== undefined && start < bucket.start) return;
      if (bucket !== undefined && start > bucket.start) keep({ ts: bucket.start, value: bucket.sum / bucket.count });
      if (bucket === undefined || start > bucket.start) bucket = { start, sum: 0, count: 0 };
      bucket.sum += point.value;
      bucket.count++;
    },
    forecast: (steps) => current()?.forecast(steps) ?? [],
    forecastAt: (ts) => current()?.forecastAt(ts),
    get size() {
      return Math.min(points.length, maxPoints);
    },
  };
}
