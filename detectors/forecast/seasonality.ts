import {
  DAY_MS,
  HOUR_MS,
  WEEK_MS,
  at,
  autocorrelation,
  centredMean,
  median,
  phaseOf,
  slotTime,
  type Grid,
} from './sampling.ts';

/** One seasonal cycle: its length and a profile of offsets, one per phase bucket of `bucketMs`. */
export interface SeasonalComponent {
  readonly periodMs: number;
  readonly bucketMs: number;
  readonly profile: Float64Array;
  /** Lag-one-cycle autocorrelation of the detrended series: how strong the cycle was when detected. */
  readonly strength: number;
}

export interface SeasonalityOptions {
  /** Candidate cycles (default: a day and a week). */
  readonly candidatesMs?: readonly number[];
  /** Cycles needed in the data before a candidate is tested (default 2.5: a day needs 2.5 days). */
  readonly minCycles?: number;
  /** Smallest lag-one-cycle autocorrelation that counts as seasonal (default 0.2). */
  readonly minStrength?: number;
  /** Most recent cycles a profile is estimated from (default 8), so it can follow slow change. */
  readonly maxCycles?: number;
}

/**
 * Finds the daily and weekly cycles in a gridded series and estimates their profiles. The candidates come
 * from the timestamps (slot length -> slots per day and week); a candidate is kept when the data spans
 * enough cycles and the detrended series correlates with itself one cycle back. Profiles are medians
 * per phase over recent cycles (robust to spikes), the weekly one on what the daily one leaves, at a
 * coarser resolution (an hour) because few weeks are ever available.
 */
export function detectSeasonality(grid: Grid, options: SeasonalityOptions = {}): SeasonalComponent[] {
  const candidates = options.candidatesMs ?? [DAY_MS, WEEK_MS];
  const minCycles = options.minCycles ?? 2.5;
  const minStrength = options.minStrength ?? 0.2;
  const maxCycles = options.maxCycles ?? 8;
  const span = grid.values.length * grid.intervalMs;
  const components: SeasonalComponent[] = [];
  let residual = grid.values;
  for (const periodMs of candidates) {
    const slots = Math.round(periodMs / grid.intervalMs);
    if (slots < 4 || span < minCycles * periodMs) continue;
    const detrended = subtract(residual, centredMean(residual, slots));
    const strength = autocorrelation(detrended, slots);
    if (strength < minStrength) continue;
    const bucketMs = periodMs > DAY_MS ? Math.max(grid.intervalMs, HOUR_MS) : grid.intervalMs;
    const component = {
      periodMs,
      bucketMs,
      strength,
      profile: phaseProfile(grid, detrended, periodMs, bucketMs, maxCycles),
    };
    components.push(component);
    residual = subtract(residual, seasonalValues(grid, [component]));
  }
  return components;
}

/** The seasonal offset at an instant, summed over the components. */
export function seasonalAt(components: readonly SeasonalComponent[], ts: number): number {
  let sum = 0;
  for (const c of components) sum += at(c.profile, phaseOf(ts, c.periodMs, c.bucketMs));
  return sum;
}

export function seasonalValues(grid: Grid, components: readonly SeasonalComponent[]): Float64Array {
  const out = new Float64Array(grid.values.length);
  for (let i = 0; i < out.length; i++) out[i] = seasonalAt(components, slotTime(grid, i));
  return out;
}

function subtract(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = at(a, i) - at(b, i);
  return out;
}

function phaseProfile(
  grid: Grid,
  detrended: Float64Array,
  periodMs: number,
  bucketMs: number,
  maxCycles: number,
): Float64Array {
  const buckets = Math.ceil(periodMs / bucketMs);
  const samples: number[][] = Array.from({ length: buckets }, () => []);
  const from = Math.max(0, detrended.length - Math.round((maxCycles * periodMs) / grid.intervalMs));
  for (let i = from; i < detrended.length; i++) {
    const v = at(detrended, i);
    if (Number.isFinite(v)) samples[phaseOf(slotTime(grid, i), periodMs, bucketMs)]?.push(v);
  }
  const raw = samples.map((s) => median(s));
  // Fill phases never observed from their neighbours, then smooth lightly: few cycles make noisy medians.
  const filled = raw.map((v, i) => (Number.isFinite(v) ? v : nearestFinite(raw, i)));
  const profile = new Float64Array(buckets);
  for (let i = 0; i < buckets; i++) {
    profile[i] = (at(filled, (i - 1 + buckets) % buckets) + 2 * at(filled, i) + at(filled, (i + 1) % buckets)) / 4;
  }
  // Offsets average to zero, so the level carries the mean.
  const mean = profile.reduce((s, v) => s + v, 0) / buckets;
  for (let i = 0; i < buckets; i++) profile[i] = at(profile, i) - mean;
  return profile;
}

function nearestFinite(values: readonly number[], i: number): number {
  for (let d = 1; d < values.length; d++) {
    const left = at(values, (i - d + values.length) % values.length);
    if (Number.isFinite(left)) return left;
    const right = at(values, (i + d) % values.length);
    if (Number.isFinite(right)) return right;
  }
  return 0;
}
