import type { Point } from '../series.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** Reads a typed array or list slot; a hole reads as NaN (treated as a missing sample everywhere). */
export function at(values: ArrayLike<number>, i: number): number {
  return values[i] ?? Number.NaN;
}

/** The typical sampling interval: the median of the positive gaps between successive timestamps. */
export function medianInterval(timestamps: readonly number[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < timestamps.length; i++) {
    const gap = at(timestamps, i) - at(timestamps, i - 1);
    if (gap > 0) gaps.push(gap);
  }
  if (gaps.length === 0) return Number.NaN;
  gaps.sort((a, b) => a - b);
  return at(gaps, Math.floor(gaps.length / 2));
}

/**
 * A series resampled onto a regular grid of `intervalMs` slots aligned to multiples of the interval
 * (so phases of a day or week are the same for every series); several points in one slot are averaged,
 * an empty slot is NaN.
 */
export interface Grid {
  readonly startMs: number;
  readonly intervalMs: number;
  readonly values: Float64Array;
}

export function slotTime(grid: Grid, slot: number): number {
  return grid.startMs + slot * grid.intervalMs;
}

/** Resamples points (in time order) onto a grid, keeping only the most recent `maxSlots` slots. */
export function toGrid(points: readonly Point[], intervalMs: number, maxSlots: number): Grid {
  const last = points[points.length - 1];
  if (last === undefined) return { startMs: 0, intervalMs, values: new Float64Array(0) };
  const endSlotMs = Math.floor(last.ts / intervalMs) * intervalMs;
  const first = points[0]?.ts ?? last.ts;
  const startMs = Math.max(Math.floor(first / intervalMs) * intervalMs, endSlotMs - (maxSlots - 1) * intervalMs);
  const n = Math.round((endSlotMs - startMs) / intervalMs) + 1;
  const sums = new Float64Array(n);
  const counts = new Uint32Array(n);
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    const slot = Math.floor((p.ts - startMs) / intervalMs);
    if (slot < 0 || slot >= n) continue;
    sums[slot] = at(sums, slot) + p.value;
    counts[slot] = at(counts, slot) + 1;
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = at(counts, i);
    values[i] = c > 0 ? at(sums, i) / c : Number.NaN;
  }
  return { startMs, intervalMs, values };
}

/** The phase (slot within the cycle) of an instant for a cycle of `periodMs`. */
export function phaseOf(ts: number, periodMs: number, intervalMs: number): number {
  const within = ((ts % periodMs) + periodMs) % periodMs;
  return Math.floor(within / intervalMs);
}

/** A centred moving mean of width `width` slots that skips missing slots (NaN where none is present). */
export function centredMean(values: Float64Array, width: number): Float64Array {
  const n = values.length;
  const sum = new Float64Array(n + 1);
  const count = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const v = at(values, i);
    const ok = Number.isFinite(v);
    sum[i + 1] = at(sum, i) + (ok ? v : 0);
    count[i + 1] = at(count, i) + (ok ? 1 : 0);
  }
  const half = Math.floor(width / 2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - half);
    const hi = Math.min(n, i + half + 1);
    const c = at(count, hi) - at(count, lo);
    out[i] = c > 0 ? (at(sum, hi) - at(sum, lo)) / c : Number.NaN;
  }
  return out;
}

/** Autocorrelation of a series with missing slots at one lag (pairs with a missing side are skipped). */
export function autocorrelation(values: Float64Array, lag: number): number {
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (Number.isFinite(v)) {
      sum += v;
      count++;
    }
  }
  if (count < 2 || lag >= values.length) return 0;
  const mean = sum / count;
  let variance = 0;
  for (const v of values) if (Number.isFinite(v)) variance += (v - mean) ** 2;
  variance /= count;
  if (variance <= 0) return 0;
  let cov = 0;
  let pairs = 0;
  for (let i = lag; i < values.length; i++) {
    const a = at(values, i);
    const b = at(values, i - lag);
    if (Number.isFinite(a) && Number.isFinite(b)) {
      cov += (a - mean) * (b - mean);
      pairs++;
    }
  }
  return pairs > 0 ? cov / pairs / variance : 0;
}

export function median(sample: number[]): number {
  if (sample.length === 0) return Number.NaN;
  sample.sort((a, b) => a - b);
  const mid = sample.length >> 1;
  return sample.length % 2 === 1 ? at(sample, mid) : (at(sample, mid - 1) + at(sample, mid)) / 2;
}

/** Linear-interpolated quantile of an already sorted sample. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = Math.min(n - 1, Math.max(0, q * (n - 1)));
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return at(sorted, lo) + (at(sorted, hi) - at(sorted, lo)) * (pos - lo);
}
