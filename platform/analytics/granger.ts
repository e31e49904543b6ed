/**
 * Granger causality of a pair, as statsmodels' grangercausalitytests (0.13): for each lag L, the effect is
 * regressed on its own L lags (restricted) and on its own and the cause's L lags (unrestricted), both with a
 * constant, on observations L..n-1; the four tests compare the two fits (Granger 1969; Hamilton 1994, 11.2).
 */
import { Matrix } from 'ml-matrix';
import { chi2Sf, fSf } from './distributions.ts';
import { AnalyticsInputError } from './errors.ts';
import { cholesky } from './linalg.ts';
import { ols, olsLogLikelihood } from './ols.ts';
import { selectOrder, type LagOrderSelection } from './var.ts';

export interface OlsSummary {
  readonly param_names: string[];
  readonly params: number[];
  readonly ssr: number;
  readonly llf: number;
  readonly df_resid: number;
}

export interface FTest {
  readonly F: number;
  readonly pvalue: number;
  readonly df_denom: number;
  readonly df_num: number;
}

export interface Chi2Test {
  readonly chi2: number;
  readonly pvalue: number;
  readonly df: number;
}

export interface GrangerLag {
  readonly lag: number;
  readonly nobs: number;
  readonly ssr_ftest: FTest;
  readonly ssr_chi2test: Chi2Test;
  readonly lrtest: Chi2Test;
  readonly params_ftest: FTest;
  readonly restricted_ols: OlsSummary;
  readonly unrestricted_ols: OlsSummary;
}

export interface GrangerResult {
  readonly cause: string;
  readonly effect: string;
  readonly null_hypothesis: string;
  readonly maxlag: number;
  readonly lags: GrangerLag[];
}

function lagged(series: Float64Array, lag: number, sampleStart: number): Float64Array {
  return series.subarray(sampleStart - lag, series.length - lag);
}

/** The tests at one lag L. */
export function grangerAtLag(effect: Float64Array, cause: Float64Array, lag: number, names = { effect: 'y', cause: 'x' }): GrangerLag {
  const n = effect.length;
  const nobs = n - lag;
  const y = effect.subarray(lag);
  const own = Array.from({ length: lag }, (_, i) => lagged(effect, i + 1, lag));
  const other = Array.from({ length: lag }, (_, i) => lagged(cause, i + 1, lag));
  const restricted = ols(own, [y]);
  const unrestricted = ols([...own, ...other], [y]);
  const ssrR = restricted.ssr[0] ?? Number.NaN;
  const ssrU = unrestricted.ssr[0] ?? Number.NaN;
  const dfDenom = nobs - 2 * lag - 1;
  const f = (ssrR - ssrU) / ssrU / lag * dfDenom;
  const chi2 = (nobs * (ssrR - ssrU)) / ssrU;
  const llfR = olsLogLikelihood(ssrR, nobs);
  const llfU = olsLogLikelihood(ssrU, nobs);
  const lr = -2 * (llfR - llfU);
  // Wald F of the cause coefficients with cov = s^2 (X'X)^-1 (statsmodels' OLS f_test).
  const slopes = unrestricted.slopes[0] ?? [];
  const cov = unrestricted.slopeCovUnscaled.subMatrix(lag, 2 * lag - 1, lag, 2 * lag - 1);
  const b = slopes.slice(lag);
  const s2 = ssrU / dfDenom;
  const quad = quadraticInverse(cov.to2DArray(), b);
  const paramsF = quad / s2 / lag;
  const ownNames = Array.from({ length: lag }, (_, i) => `${names.effect}.L${i + 1}`);
  const causeNames = Array.from({ length: lag }, (_, i) => `${names.cause}.L${i + 1}`);
  return {
    lag,
    nobs,
    ssr_ftest: { F: f, pvalue: fSf(f, lag, dfDenom), df_denom: dfDenom, df_num: lag },
    ssr_chi2test: { chi2, pvalue: chi2Sf(chi2, lag), df: lag },
    lrtest: { chi2: lr, pvalue: chi2Sf(lr, lag), df: lag },
    params_ftest: { F: paramsF, pvalue: fSf(paramsF, lag, dfDenom), df_denom: dfDenom, df_num: lag },
    restricted_ols: { param_names: [...ownNames, 'const'], params: [...(restricted.slopes[0] ?? []), restricted.intercepts[0] ?? Number.NaN], ssr: ssrR, llf: llfR, df_resid: nobs - lag - 1 },
    unrestricted_ols: { param_names: [...ownNames, ...causeNames, 'const'], params: [...slopes, unrestricted.intercepts[0] ?? Number.NaN], ssr: ssrU, llf: llfU, df_resid: dfDenom },
  };
}

/** b' A^-1 b for a small symmetric positive-definite A, by Cholesky (ml-matrix) rather than an explicit inverse. */
function quadraticInverse(a: number[][], b: number[]): number {
  const x = cholesky(new Matrix(a), 'the covariance of the cause coefficients').solve(Matrix.columnVector(b));
  let s = 0;
  for (let i = 0; i < b.length; i++) s += (b[i] ?? 0) * x.get(i, 0);
  return s;
}

function checkPair(effect: ArrayLike<number>, cause: ArrayLike<number>, maxlag: number): void {
  if (effect.length !== cause.length) throw new AnalyticsInputError(`series lengths differ: ${effect.length} and ${cause.length}`);
  if (!Number.isInteger(maxlag) || maxlag < 1) throw new AnalyticsInputError(`maxlag must be a positive integer, got ${maxlag}`);
  const need = 3 * maxlag + 2;
  if (effect.length - maxlag < need) throw new AnalyticsInputError(`Granger test at lag ${maxlag} needs at least ${need + maxlag} points, got ${effect.length}`);
  for (let t = 0; t < effect.length; t++) {
    if (!Number.isFinite(effect[t]) || !Number.isFinite(cause[t])) throw new AnalyticsInputError(`Granger test needs complete series: missing value at index ${t}`);
  }
}

/** Tests at every lag 1..maxlag (or only at `onlyLag`), as grangercausalitytests(column_stack([effect, cause])). */
export function grangerCausality(
  effect: ArrayLike<number>,
  cause: ArrayLike<number>,
  maxlag: number,
  names = { effect: 'y', cause: 'x' },
): GrangerResult {
  checkPair(effect, cause, maxlag);
  const e = Float64Array.from(effect);
  const c = Float64Array.from(cause);
  const lags = Array.from({ length: maxlag }, (_, i) => grangerAtLag(e, c, i + 1, names));
  return { cause: names.cause, effect: names.effect, null_hypothesis: `${names.cause} does not Granger-cause ${names.effect}`, maxlag, lags };
}

/** Lag selection for a pair: VAR information criteria on the two-column system [effect, cause]. */
export function grangerLagSelection(effect: ArrayLike<number>, cause: ArrayLike<number>, maxlag: number): LagOrderSelection {
  checkPair(effect, cause, maxlag);
  return selectOrder([Float64Array.from(effect), Float64Array.from(cause)], maxlag);
}
