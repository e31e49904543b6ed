import { at } from './sampling.ts';

/** Damped-trend exponential smoothing parameters (Gardner & McKenzie 1985, error-correction form). */
export interface SmoothingParams {
  readonly alpha: number;
  readonly beta: number;
  readonly phi: number;
}

export interface SmoothingState {
  readonly level: number;
  readonly trend: number;
  readonly phi: number;
}

export interface SmoothingRun {
  readonly state: SmoothingState;
  /** Per horizon (same order as asked): the h-step-ahead errors made from every origin in the evaluated span. */
  readonly errors: Float64Array[];
}

/** Sum of phi^1..phi^h: how much of the current trend an h-step forecast carries. */
export function dampedSteps(phi: number, h: number): number {
  return phi === 1 ? h : (phi * (1 - phi ** h)) / (1 - phi);
}

export function forecastState(state: SmoothingState, h: number): number {
  return state.level + state.trend * dampedSteps(state.phi, h);
}

/**
 * Innovations beyond this many running mean absolute errors are clipped (Huber-style), so one spike cannot move the
 * level much.
 */
const CLIP = 3;
const SCALE_RATE = 0.05;

/**
 * Runs damped-trend smoothing over a series with missing slots (NaN: the state coasts), recording the
 * h-step errors from every origin at or after `evalFrom` for each horizon. Innovations are clipped to
 * CLIP running MAEs; the MAE itself follows unclipped errors, so a lasting level shift widens the clip
 * and is absorbed within a few steps.
 */
export function runSmoothing(
  values: Float64Array,
  params: SmoothingParams,
  horizons: readonly number[],
  evalFrom: number,
): SmoothingRun {
  const n = values.length;
  const { alpha, beta, phi } = params;
  let i0 = 0;
  while (i0 < n && !Number.isFinite(at(values, i0))) i0++;
  let level = i0 < n ? at(values, i0) : 0;
  let trend = 0;
  let scale = initialScale(values, i0);
  const damped = horizons.map((h) => dampedSteps(phi, h));
  const errors = horizons.map(() => new Float64Array(Math.max(0, n - evalFrom)));
  const counts = horizons.map(() => 0);
  for (let t = i0 + 1; t < n; t++) {
    const y = at(values, t);
    if (Number.isFinite(y)) {
      const e = y - (level + phi * trend);
      const c = CLIP * scale;
      const clipped = Math.max(-c, Math.min(c, e));
      level = level + phi * trend + alpha * clipped;
      trend = phi * trend + beta * clipped;
      scale = scale + SCALE_RATE * (Math.abs(e) - scale);
    } else {
      level += phi * trend;
      trend *= phi;
    }
    if (t < evalFrom) continue;
    for (let k = 0; k < horizons.length; k++) {
      const target = at(values, t + at(horizons, k));
      if (!Number.isFinite(target)) continue;
      const sink = errors[k];
      if (sink === undefined) continue;
      sink[at(counts, k)] = target - (level + trend * at(damped, k));
      counts[k] = at(counts, k) + 1;
    }
  }
  return { state: { level, trend, phi }, errors: errors.map((e, k) => e.subarray(0, at(counts, k))) };
}

/** Mean absolute successive difference of the first observed values: a starting noise scale. */
function initialScale(values: Float64Array, from: number): number {
  let sum = 0;
  let count = 0;
  let prev = Number.NaN;
  for (let t = from; t < values.length && count < 50; t++) {
    const y = at(values, t);
    if (!Number.isFinite(y)) continue;
    if (Number.isFinite(prev)) {
      sum += Math.abs(y - prev);
      count++;
    }
    prev = y;
  }
  const scale = count > 0 ? sum / count : 0;
  return scale > 0 ? scale : Math.max(1e-9, Math.abs(prev) * 1e-3);
}
