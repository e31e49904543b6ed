/**
 * Robust trend statistics: the Theil-Sen slope (Theil 1950, Sen 1968) with its distribution-free
 * confidence interval, and the Mann-Kendall trend test (Mann 1945, Kendall 1975). Pure functions over
 * parallel arrays of times and values.
 */

export interface TrendFit {
  /** Median pairwise slope (value per time unit). */
  readonly slope: number;
  readonly slopeLow: number;
  readonly slopeHigh: number;
  /** Median of value - slope * time: the fitted line is intercept + slope * t. */
  readonly intercept: number;
  /** Mann-Kendall S statistic and the one-sided p-value of "increasing". */
  readonly s: number;
  readonly pIncreasing: number;
  readonly n: number;
}

/** Standard normal CDF (erfc by Numerical Recipes' Chebyshev fit, |error| < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** z with normalCdf(z) = p, by bisection (only used for a handful of confidence levels). */
export function normalQuantile(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** O(n^2) in pairs: callers bound n (the exhaustion forecaster downsamples to a few hundred points). */
export function theilSen(times: readonly number[], values: readonly number[], confidence = 0.95): TrendFit {
  const n = Math.min(times.length, values.length);
  const slopes: number[] = [];
  let s = 0;
  for (let i = 0; i < n; i++) {
    const ti = times[i] ?? 0;
    const yi = values[i] ?? 0;
    for (let j = i + 1; j < n; j++) {
      const dy = (values[j] ?? 0) - yi;
      const dt = (times[j] ?? 0) - ti;
      s += Math.sign(dy);
      if (dt !== 0) slopes.push(dy / dt);
    }
  }
  slopes.sort((a, b) => a - b);
  const m = slopes.length;
  if (m === 0)
    return { slope: 0, slopeLow: 0, slopeHigh: 0, intercept: values[0] ?? Number.NaN, s: 0, pIncreasing: 1, n };
  const slope = m % 2 === 1 ? (slopes[(m - 1) / 2] ?? 0) : ((slopes[m / 2 - 1] ?? 0) + (slopes[m / 2] ?? 0)) / 2;
  const variance = (n * (n - 1) * (2 * n + 5)) / 18;
  // Sen's interval: order statistics (M - C)/2 and (M + C)/2 + 1 of the pairwise slopes.
  const c = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt(variance);
  const lowRank = Math.max(0, Math.floor((m - c) / 2) - 1);
  const highRank = Math.min(m - 1, Math.ceil((m + c) / 2));
  const residuals: number[] = [];
  for (let i = 0; i < n; i++) residuals.push((values[i] ?? 0) - slope * (times[i] ?? 0));
  residuals.sort((a, b) => a - b);
  const mid = residuals.length >> 1;
  const intercept =
    residuals.length % 2 === 1 ? (residuals[mid] ?? 0) : ((residuals[mid - 1] ?? 0) + (residuals[mid] ?? 0)) / 2;
  const z = s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0;
  return {
    slope,
    slopeLow: slopes[lowRank] ?? slope,
    slopeHigh: slopes[highRank] ?? slope,
    intercept,
    s,
    pIncreasing: 1 - normalCdf(z),
    n,
  };
}
