import type { Point } from '../series.ts';
import { at, medianInterval, quantileSorted, slotTime, toGrid, type Grid } from './sampling.ts';
import {
  detectSeasonality,
  seasonalAt,
  seasonalValues,
  type SeasonalComponent,
  type SeasonalityOptions,
} from './seasonality.ts';
import { findModeAtom, modeChance } from './intermittent.ts';
import { forecastState, runSmoothing, type SmoothingParams, type SmoothingState } from './smoothing.ts';

/** A point forecast with empirical prediction intervals (80% and 95%). */
export interface ForecastPoint {
  readonly ts: number;
  /** Slots of the model's grid ahead of the last observed slot. */
  readonly steps: number;
  /** Point forecast: the median of the predictive distribution. */
  readonly value: number;
  readonly lower80: number;
  readonly upper80: number;
  readonly lower95: number;
  readonly upper95: number;
}

export interface ForecasterOptions {
  /**
   * Grid slot; default: the median sampling interval, coarsened to a round slot when the history would not fit in
   * `maxSlots`.
   */
  readonly intervalMs?: number;
  /** History kept (slots; default 6048, three weeks at 5 minutes): bounds memory and fitting time. */
  readonly maxSlots?: number;
  /** Most recent slots whose out-of-sample errors select parameters and calibrate intervals (default 2016). */
  readonly evalSlots?: number;
  /** Longest horizon the model is tuned for, in slots (default 288); longer ones reuse it. */
  readonly maxSteps?: number;
  readonly seasonality?: SeasonalityOptions | 'none';
}

export interface ForecastModelSummary {
  readonly intervalMs: number;
  readonly slots: number;
  readonly seasonalPeriodsMs: readonly number[];
  /** Per tuned horizon: the smoothing parameters chosen and the in-sample MAE at that horizon. */
  readonly horizons: readonly { readonly steps: number; readonly params: SmoothingParams; readonly mae: number }[];
}

export interface FittedForecaster {
  readonly summary: ForecastModelSummary;
  /** Timestamp of the last grid slot the model saw. */
  readonly lastSlotMs: number;
  /** Forecast for one future instant. */
  readonly forecastAt: (ts: number) => ForecastPoint;
  /** Forecasts for the next `steps` grid slots. */
  readonly forecast: (steps: number) => ForecastPoint[];
}

const PARAM_GRID: readonly SmoothingParams[] = [
  ...[0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9].map((alpha) => ({ alpha, beta: 0, phi: 1 })),
  ...[0.1, 0.3, 0.6, 0.9].flatMap((alpha) => [0.9, 0.98].map((phi) => ({ alpha, beta: 0.01 * alpha, phi }))),
];

const BASE_ANCHORS = [1, 2, 3, 6, 12, 24, 48, 96, 192, 288, 576, 1152, 2016];

interface Anchor {
  readonly steps: number;
  readonly params: SmoothingParams;
  readonly state: SmoothingState;
  readonly mae: number;
  /** Error quantiles at 2.5, 10, 50, 90 and 97.5%. */
  readonly q: readonly [number, number, number, number, number];
}

/**
 * Fits the load forecaster: robust seasonal profiles (daily, weekly when the data shows them) removed,
 * then damped-trend exponential smoothing with clipped innovations on what remains. Rather than one
 * parameter set tuned on one-step errors, each anchor horizon (1, 2, 3, 6, 12 ... slots) gets the
 * parameters with the lowest in-sample MAE at that horizon (a direct multi-horizon choice: a long
 * horizon wants a smoother level than the next step does), and its prediction intervals are the
 * empirical quantiles of those same h-step errors. Between anchors, forecasts use the nearest anchor.
 */
export function fitForecaster(points: readonly Point[], options: ForecasterOptions = {}): FittedForecaster {
  const intervalMs = options.intervalMs ?? gridInterval(points, options.maxSlots ?? 6048);
  const last = points[points.length - 1];
  if (last === undefined || !Number.isFinite(intervalMs) || intervalMs <= 0)
    return constantForecaster(points, intervalMs);
  const grid = toGrid(points, intervalMs, options.maxSlots ?? 6048);
  const seasonal = options.seasonality === 'none' ? [] : detectSeasonality(grid, options.seasonality);
  const adjusted = deseasonalise(grid, seasonal);
  const n = adjusted.length;
  const maxSteps = Math.max(1, Math.min(options.maxSteps ?? 288, Math.floor(n / 2)));
  const steps = [...BASE_ANCHORS.filter((h) => h < maxSteps), maxSteps];
  const warmup = Math.min(Math.floor(n / 3), 50);
  const evalFrom = Math.max(warmup, n - (options.evalSlots ?? 2016) - maxSteps);
  const best = steps.map(() => ({ mae: Number.POSITIVE_INFINITY, run: -1 }));
  const runs = PARAM_GRID.map((params) => runSmoothing(adjusted, params, steps, evalFrom));
  runs.forEach((run, r) => {
    run.errors.forEach((errors, k) => {
      const mae = meanAbs(errors);
      const slot = best[k];
      if (slot !== undefined && mae < slot.mae) {
        slot.mae = mae;
        slot.run = r;
      }
    });
  });
  const anchors: Anchor[] = [];
  steps.forEach((h, k) => {
    const choice = best[k];
    const run = runs[choice?.run ?? -1];
    const params = PARAM_GRID[choice?.run ?? -1];
    if (choice === undefined || run === undefined || params === undefined) return;
    const sorted = Float64Array.from(run.errors[k] ?? []).sort();
    anchors.push({
      steps: h,
      params,
      state: run.state,
      mae: choice.mae,
      q: [0.025, 0.1, 0.5, 0.9, 0.975].map((p) => quantileSorted(sorted, p)) as [
        number,
        number,
        number,
        number,
        number,
      ],
    });
  });
  if (anchors.length === 0) return constantForecaster(points, intervalMs);
  const atom = findModeAtom(
    grid.values.subarray(Math.max(0, n - (options.evalSlots ?? 2016) - maxSteps)),
    anchors.map((a) => a.steps),
  );
  const lastSlotMs = slotTime(grid, n - 1);
  const summary: ForecastModelSummary = {
    intervalMs,
    slots: n,
    seasonalPeriodsMs: seasonal.map((c) => c.periodMs),
    horizons: anchors.map((a) => ({ steps: a.steps, params: a.params, mae: a.mae })),
  };
  const forecastAt = (ts: number): ForecastPoint => {
    const h = Math.max(1, Math.round((ts - lastSlotMs) / intervalMs));
    const k = nearestAnchor(anchors, h);
    const anchor = anchors[k];
    if (anchor === undefined) throw new Error('no anchors');
    const centre = forecastState(anchor.state, h) + seasonalAt(seasonal, ts);
    // Beyond the longest tuned horizon the spread keeps growing like a random walk's.
    const widen = h > anchor.steps ? Math.sqrt(h / anchor.steps) : 1;
    const [q025, q10, q50, q90, q975] = anchor.q.map((q) => (Number.isFinite(q) ? q * widen : 0)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    // Shifting by the median h-step error makes the point forecast median-unbiased (what MAE rewards),
    // which matters for skewed and zero-inflated series such as byte counters.
    const value = atom !== undefined && modeChance(atom, k) > 0.5 ? atom.value : centre + q50;
    return {
      ts,
      steps: h,
      value,
      lower95: centre + q025,
      lower80: centre + q10,
      upper80: centre + q90,
      upper95: centre + q975,
    };
  };
  return {
    summary,
    lastSlotMs,
    forecastAt,
    forecast: (count) => Array.from({ length: count }, (_, i) => forecastAt(lastSlotMs + (i + 1) * intervalMs)),
  };
}

const NICE_INTERVALS_MS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 720, 1440].map((m) => m * 60_000);

/**
 * The sampling interval, coarsened to the smallest round slot (1, 2, 5, 10 ... minutes) at which the
 * whole history fits in `maxSlots`: ten-second scrapes over a week become 2-minute slots, so a daily
 * cycle can still be seen.
 */
function gridInterval(points: readonly Point[], maxSlots: number): number {
  const sampling = medianInterval(points.map((p) => p.ts));
  const span = (points[points.length - 1]?.ts ?? 0) - (points[0]?.ts ?? 0);
  if (!Number.isFinite(sampling) || span / sampling < maxSlots) return sampling;
  const needed = span / maxSlots;
  return NICE_INTERVALS_MS.find((ms) => ms >= needed && ms >= sampling) ?? needed;
}

function deseasonalise(grid: Grid, seasonal: readonly SeasonalComponent[]): Float64Array {
  if (seasonal.length === 0) return grid.values;
  const s = seasonalValues(grid, seasonal);
  return grid.values.map((v, i) => v - at(s, i));
}

/** Index of the anchor horizon closest to `h` on a log scale. */
function nearestAnchor(anchors: readonly Anchor[], h: number): number {
  let best = 0;
  let distance = Number.POSITIVE_INFINITY;
  anchors.forEach((a, i) => {
    const d = Math.abs(Math.log(a.steps / h));
    if (d < distance) {
      distance = d;
      best = i;
    }
  });
  return best;
}

function meanAbs(errors: Float64Array): number {
  if (errors.length === 0) return Number.POSITIVE_INFINITY;
  let sum = 0;
  for (const e of errors) sum += Math.abs(e);
  return sum / errors.length;
}

/** Too little data to fit: the last value, with no interval information (zero width). */
function constantForecaster(points: readonly Point[], intervalMs: number): FittedForecaster {
  const last = points[points.length - 1];
  const value = last?.value ?? Number.NaN;
  const lastSlotMs = last?.ts ?? 0;
  const step = Number.isFinite(intervalMs) && intervalMs > 0 ? intervalMs : 60_000;
  const forecastAt = (ts: number): ForecastPoint => ({
    ts,
    steps: Math.max(1, Math.round((ts - lastSlotMs) / step)),
    value,
    lower80: value,
    upper80: value,
    lower95: value,
    upper95: value,
  });
  return {
    summary: { intervalMs: step, slots: points.length, seasonalPeriodsMs: [], horizons: [] },
    lastSlotMs,
    forecastAt,
    forecast: (count) => Array.from({ length: count }, (_, i) => forecastAt(lastSlotMs + (i + 1) * step)),
  };
}
