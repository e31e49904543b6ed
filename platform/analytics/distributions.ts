/**
 * Tail probabilities of the distributions the tests need, on the regularised incomplete beta and gamma
 * functions of stdlib. Upper tails are evaluated directly (never as 1 - cdf) so p-values far below 1e-16 stay
 * accurate down to the subnormal range.
 */
import betainc from '@stdlib/math-base-special-betainc';
import gammainc from '@stdlib/math-base-special-gammainc';

/** P(F > f) for F(d1, d2). */
export function fSf(f: number, d1: number, d2: number): number {
  if (Number.isNaN(f)) return Number.NaN;
  if (f <= 0) return 1;
  if (!Number.isFinite(f)) return 0;
  return betainc(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}

/** P(X > x) for chi-squared with df degrees of freedom. */
export function chi2Sf(x: number, df: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}

/** Two-sided p-value of a Student t statistic: P(|T| > |t|). */
export function tTwoSided(t: number, df: number): number {
  if (Number.isNaN(t)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  return betainc(df / (df + t * t), df / 2, 0.5);
}

/** Two-sided p-value of a standard normal statistic: P(|Z| > |z|) = erfc(|z|/sqrt 2). */
export function normalTwoSided(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return gammainc((z * z) / 2, 0.5, true, true);
}

/** The alternative hypothesis of a correlation test (scipy's `alternative`): rho != 0, rho > 0, rho < 0. */
export type Alternative = 'two-sided' | 'greater' | 'less';

/** p-value of a statistic whose null distribution is symmetric, from its two-sided p-value (scipy convention). */
function sided(stat: number, twoSided: number, alternative: Alternative): number {
  if (alternative === 'two-sided' || Number.isNaN(stat)) return twoSided;
  const towards = alternative === 'greater' ? stat > 0 : stat < 0;
  // 1 - p/2 on the far side: only there can it lose digits, and there it is close to 1 anyway.
  return towards ? twoSided / 2 : 1 - twoSided / 2;
}

/** p-value of a Student t statistic under the given alternative (scipy `_ttest_finish`, `pearsonr`). */
export function tPValue(t: number, df: number, alternative: Alternative): number {
  return sided(t, tTwoSided(t, df), alternative);
}

/** p-value of a standard normal statistic under the given alternative (scipy `_normtest_finish`). */
export function normalPValue(z: number, alternative: Alternative): number {
  return sided(z, normalTwoSided(z), alternative);
}

/** Upper standard normal tail P(Z > z). */
export function normalSf(z: number): number {
  const half = normalTwoSided(z) / 2;
  return z >= 0 ? half : 1 - half;
}

/** Inverts a decreasing survival function by bracketing and bisection to full double precision. */
function inverseSf(sf: (x: number) => number, p: number, lowest: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`tail probability must be in (0, 1), got ${p}`);
  let lo = lowest;
  let hi = 1;
  while (sf(hi) > p) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.abs(hi); i++) {
    const mid = (lo + hi) / 2;
    if (sf(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The x with P(F > x) = p. */
export function fIsf(p: number, d1: number, d2: number): number {
  return inverseSf((x) => fSf(x, d1, d2), p, 0);
}

/** The x with P(chi2 > x) = p. */
export function chi2Isf(p: number, df: number): number {
  return inverseSf((x) => chi2Sf(x, df), p, 0);
}

/** The z with P(Z > z) = p, for p < 0.5. */
export function normalIsf(p: number): number {
  if (p >= 0.5) return p === 0.5 ? 0 : -normalIsf(1 - p);
  return inverseSf(normalSf, p, 0);
}
