import type { Point } from '../series.ts';
import { theilSen, type TrendFit } from './trend.ts';

export interface ExhaustionOptions {
  /** The level at which the resource is exhausted (memory limit, disk size, pool size, queue bound). */
  readonly capacity: number;
  /** Confidence of the slope interval and the significance the trend must reach (default 0.95). */
  readonly confidence?: number;
  /** Points fitted at most; longer histories are reduced to block medians (default 240). */
  readonly maxPoints?: number;
}

export type ExhaustionStatus = 'insufficient-data' | 'no-trend' | 'exhausted' | 'exhausting';

export interface ExhaustionForecast {
  readonly status: ExhaustionStatus;
  /** 'theil-sen' on the values, or on the troughs after each reset for sawtooth (GC-like) series. */
  readonly method: 'theil-sen' | 'sawtooth-troughs';
  readonly capacity: number;
  /** The fitted level now (the trend line at the last point). */
  readonly level: number;
  /** Units per second, with the confidence interval. */
  readonly slopePerS: number;
  readonly slopeLowPerS: number;
  readonly slopeHighPerS: number;
  /** 1 - the Mann-Kendall p-value of an increasing trend. */
  readonly confidence: number;
  /** Seconds from the last point until the fitted line reaches capacity, and its interval (null: unbounded). */
  readonly etaS: number | null;
  readonly etaLowS: number | null;
  readonly etaHighS: number | null;
  /** Epoch ms at which the estimate says exhaustion happens. */
  readonly exhaustsAt: number | null;
}

/**
 * Time to exhaustion of a filling resource. A robust line (Theil-Sen) is fitted and trusted only when
 * the Mann-Kendall test says the series increases at the chosen confidence; the ETA interval comes from
 * the slope's confidence interval. Garbage-collected memory rises and falls in a sawtooth: there the
 * line is fitted to the troughs after each reset (the live set, which is what a leak grows), so a healthy
 * sawtooth gives no ETA however steep its teeth.
 */
export function timeToExhaustion(points: readonly Point[], options: ExhaustionOptions): ExhaustionForecast {
  const confidence = options.confidence ?? 0.95;
  const finite = points.filter((p) => Number.isFinite(p.value) && Number.isFinite(p.ts));
  const last = finite[finite.length - 1];
  const troughs = sawtoothTroughs(finite);
  const method = troughs === undefined ? 'theil-sen' : 'sawtooth-troughs';
  const sample = troughs ?? blockMedians(finite, options.maxPoints ?? 240);
  const none = (status: ExhaustionStatus, fit?: TrendFit): ExhaustionForecast => ({
    status,
    method,
    capacity: options.capacity,
    level: fit && last ? fit.intercept + fit.slope * toS(last.ts) : (last?.value ?? Number.NaN),
    slopePerS: fit?.slope ?? 0,
    slopeLowPerS: fit?.slopeLow ?? 0,
    slopeHighPerS: fit?.slopeHigh ?? 0,
    confidence: fit ? 1 - fit.pIncreasing : 0,
    etaS: status === 'exhausted' ? 0 : null,
    etaLowS: status === 'exhausted' ? 0 : null,
    etaHighS: status === 'exhausted' ? 0 : null,
    exhaustsAt: status === 'exhausted' && last ? last.ts : null,
  });
  if (last === undefined || sample.length < (troughs ? 4 : 8)) return none('insufficient-data');
  if (last.value >= options.capacity) return none('exhausted');
  const fit = theilSen(
    sample.map((p) => toS(p.ts)),
    sample.map((p) => p.value),
    confidence,
  );
  if (fit.pIncreasing > 1 - confidence || fit.slope <= 0) return none('no-trend', fit);
  const level = fit.intercept + fit.slope * toS(last.ts);
  // Troughs lag the current value: what matters for a sawtooth is when the live set itself hits the limit.
  const headroom = options.capacity - level;
  if (headroom <= 0) return none('exhausted', fit);
  const etaS = headroom / fit.slope;
  return {
    ...none('exhausting', fit),
    level,
    etaS,
    etaLowS: fit.slopeHigh > 0 ? headroom / fit.slopeHigh : etaS,
    etaHighS: fit.slopeLow > 0 ? headroom / fit.slopeLow : null,
    exhaustsAt: last.ts + etaS * 1000,
  };
}

const toS = (ms: number): number => ms / 1000;

/** Reduces a long history to at most `max` block medians (of time and of value), keeping the trend. */
function blockMedians(points: readonly Point[], max: number): Point[] {
  if (points.length <= max) return [...points];
  const size = Math.ceil(points.length / max);
  const out: Point[] = [];
  for (let i = 0; i < points.length; i += size) {
    const block = points.slice(i, i + size);
    out.push({ ts: medianOf(block.map((p) => p.ts)), value: medianOf(block.map((p) => p.value)) });
  }
  return out;
}

function medianOf(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? (xs[mid] ?? Number.NaN) : ((xs[mid - 1] ?? 0) + (xs[mid] ?? 0)) / 2;
}

/**
 * For a sawtooth (at least three sudden drops, each over a quarter of the series' range and over ten
 * typical steps), the lowest point of every cycle after a drop; otherwise undefined.
 */
function sawtoothTroughs(points: readonly Point[]): Point[] | undefined {
  if (points.length < 10) return undefined;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const steps: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const v = points[i]?.value ?? 0;
    min = Math.min(min, v);
    max = Math.max(max, v);
    if (i > 0) steps.push(Math.abs(v - (points[i - 1]?.value ?? v)));
  }
  const typical = medianOf(steps);
  const threshold = Math.max(0.25 * (max - min), 10 * typical);
  const resets: number[] = [];
  for (let i = 1; i < points.length; i++) {
    if ((points[i - 1]?.value ?? 0) - (points[i]?.value ?? 0) > threshold) resets.push(i);
  }
  if (resets.length < 3) return undefined;
  return resets.map((start, k) => {
    const end = resets[k + 1] ?? points.length;
    let lowest = points[start];
    for (let i = start; i < end; i++) {
      const p = points[i];
      if (p !== undefined && lowest !== undefined && p.value < lowest.value) lowest = p;
    }
    return lowest ?? { ts: 0, value: 0 };
  });
}
