/**
 * Granger causality of a pair, as statsmodels' grangercausalitytests (0.13): for each lag L, the effect is
 * regressed on its own L lags (restricted) and on its own and the cause's L lags (unrestricted), both with a
 * constant, on observations L..n-1; the four tests compare the two fits (Granger 1969; Hamilton 1994, 11.2).
 */
import { Matrix } from 'ml-matrix';
import { chi2Sf, fSf } from './distributions.ts';
import { AnalyticsInputError } from './errors.ts';
import { cholesky } from './linalg.ts';
import { olsLogLikelihood } from './ols.ts';
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

/** Centred lag columns of one series for one lag order L, over the sample rows L..n-1. */
interface LagBlock {
  /** cols[l - 1][t] = x[L + t - l] - mean, l = 1..L. */
  readonly cols: Float64Array[];
  /** The series itself on the sample rows, centred. */
  readonly y: Float64Array;
  readonly yMean: number;
  readonly colMeans: Float64Array;
  /** Gram matrix of cols (L x L), row-major. */
  readonly gram: Float64Array;
  /** cols' y. */
  readonly xy: Float64Array;
  /** y'y (centred). */
  readonly yy: number;
}

function centre(x: Float64Array): { values: Float64Array; mean: number } {
  let s = 0;
  for (let t = 0; t < x.length; t++) s += x[t] as number;
  const mean = s / x.length;
  const values = new Float64Array(x.length);
  for (let t = 0; t < x.length; t++) values[t] = (x[t] as number) - mean;
  return { values, mean };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let t = 0; t < a.length; t++) s += (a[t] as number) * (b[t] as number);
  return s;
}

function lagBlock(x: Float64Array, lag: number): LagBlock {
  const n = x.length;
  const centred = Array.from({ length: lag }, (_, i) => centre(x.subarray(lag - i - 1, n - i - 1)));
  const cols = centred.map((c) => c.values);
  const y = centre(x.subarray(lag));
  const gram = new Float64Array(lag * lag);
  for (let i = 0; i < lag; i++) {
    for (let j = i; j < lag; j++) {
      const v = dot(cols[i] ?? y.values, cols[j] ?? y.values);
      gram[i * lag + j] = v;
      gram[j * lag + i] = v;
    }
  }
  return {
    cols,
    y: y.values,
    yMean: y.mean,
    colMeans: Float64Array.from(centred, (c) => c.mean),
    gram,
    xy: Float64Array.from(cols, (c) => dot(c, y.values)),
    yy: dot(y.values, y.values),
  };
}

interface Regression {
  readonly slopes: number[];
  readonly intercept: number;
  readonly ssr: number;
  /** (X'X)^-1 of the centred regressors. */
  readonly inverse: Matrix;
}

/**
 * Least squares of centred y on centred columns with the given Gram matrix and X'y (ml-matrix Cholesky).
 * ssr = y'y - b'X'y at the solution; only when the fit is nearly perfect (R^2 > 1 - 1e-6), where that
 * difference would lose digits, are the residuals formed explicitly.
 */
function regress(
  block: { y: Float64Array; yMean: number; yy: number },
  cols: readonly Float64Array[],
  means: ArrayLike<number>,
  gram: Matrix,
  xy: readonly number[],
): Regression {
  const chol = cholesky(gram, "the regressors' cross-product matrix");
  const b = chol.solve(Matrix.columnVector([...xy])).getColumn(0);
  let intercept = block.yMean;
  let explained = 0;
  b.forEach((bi, i) => {
    intercept -= bi * (means[i] ?? 0);
    explained += bi * (xy[i] ?? 0);
  });
  let ssr = block.yy - explained;
  if (!(explained < (1 - 1e-6) * block.yy)) {
    const e = Float64Array.from(block.y);
    cols.forEach((x, i) => {
      const bi = b[i] ?? 0;
      for (let t = 0; t < e.length; t++) e[t] = (e[t] as number) - bi * (x[t] as number);
    });
    ssr = dot(e, e);
  }
  return { slopes: b, intercept, ssr, inverse: chol.solve(Matrix.eye(cols.length)) };
}

/**
 * Series prepared for Granger tests at lags 1..maxlag: each series' centred lag columns, their Gram block and
 * its own-lag (restricted) regression are computed once. A pair then needs only the cross moments of the
 * effect's and the cause's lags: sum_t e[t-i] c[t-j] depends on the lag difference d = i - j and the window,
 * so one prefix sum per d (2 maxlag passes over the data) gives every cross block of every lag in O(1) each.
 */
class GrangerPanel {
  private readonly series: readonly Float64Array[];
  private readonly maxlag: number;
  private readonly blocks: LagBlock[][];
  private readonly restricted: Regression[][];
  /** prefix[(d + maxlag) * (n + 1) + k] = sum_{s < k, 0 <= s+d < n} e[s] c[s + d]. */
  private readonly prefix: Float64Array;

  constructor(series: readonly Float64Array[], maxlag: number) {
    this.series = series;
    this.maxlag = maxlag;
    this.blocks = series.map((x) => Array.from({ length: maxlag }, (_, i) => lagBlock(x, i + 1)));
    this.restricted = this.blocks.map((byLag) =>
      byLag.map((b) => {
        const L = b.cols.length;
        const gram = new Matrix(Array.from({ length: L }, (_, i) => Array.from(b.gram.subarray(i * L, (i + 1) * L))));
        return regress(b, b.cols, b.colMeans, gram, [...b.xy]);
      }),
    );
    this.prefix = new Float64Array(2 * maxlag * ((series[0]?.length ?? 0) + 1));
  }

  /** The tests at lags 1..maxlag of `cause` -> `effect`. */
  pair(effect: number, cause: number, names: { effect: string; cause: string }): GrangerLag[] {
    const e = this.series[effect];
    const c = this.series[cause];
    if (!e || !c) throw new AnalyticsInputError('no such series in the panel');
    const n = e.length;
    const stride = n + 1;
    const prefix = this.prefix;
    for (let d = -this.maxlag; d < this.maxlag; d++) {
      const base = (d + this.maxlag) * stride;
      let acc = 0;
      prefix[base] = 0;
      for (let k = 0; k < n; k++) {
        const j = k + d;
        if (j >= 0 && j < n) acc += (e[k] as number) * (c[j] as number);
        prefix[base + k + 1] = acc;
      }
    }
    // Raw sum over t = L..n-1 of e[t-i] c[t-j] (i = 0 is the effect itself).
    const raw = (L: number, i: number, j: number): number => {
      const base = (i - j + this.maxlag) * stride;
      return (prefix[base + n - i] ?? 0) - (prefix[base + L - i] ?? 0);
    };
    return Array.from({ length: this.maxlag }, (_, index) => {
      const L = index + 1;
      const eb = this.blocks[effect]?.[index];
      const cb = this.blocks[cause]?.[index];
      const restricted = this.restricted[effect]?.[index];
      if (!eb || !cb || !restricted) throw new AnalyticsInputError(`no prepared series for lag ${L}`);
      const nobs = n - L;
      const m = 2 * L;
      const gram = new Matrix(m, m);
      for (let i = 0; i < L; i++) {
        for (let j = 0; j < L; j++) {
          gram.set(i, j, eb.gram[i * L + j] ?? 0);
          gram.set(L + i, L + j, cb.gram[i * L + j] ?? 0);
          const cross = raw(L, i + 1, j + 1) - nobs * (eb.colMeans[i] ?? 0) * (cb.colMeans[j] ?? 0);
          gram.set(i, L + j, cross);
          gram.set(L + j, i, cross);
        }
      }
      const xy = [
        ...eb.xy,
        ...Array.from({ length: L }, (_, j) => raw(L, 0, j + 1) - nobs * eb.yMean * (cb.colMeans[j] ?? 0)),
      ];
      const unrestricted = regress(eb, [...eb.cols, ...cb.cols], [...eb.colMeans, ...cb.colMeans], gram, xy);
      return statistics(L, nobs, restricted, unrestricted, names);
    });
  }
}

function statistics(
  lag: number,
  nobs: number,
  restricted: Regression,
  unrestricted: Regression,
  names: { effect: string; cause: string },
): GrangerLag {
  const ssrR = restricted.ssr;
  const ssrU = unrestricted.ssr;
  const dfDenom = nobs - 2 * lag - 1;
  const f = ((ssrR - ssrU) / ssrU / lag) * dfDenom;
  const chi2 = (nobs * (ssrR - ssrU)) / ssrU;
  const llfR = olsLogLikelihood(ssrR, nobs);
  const llfU = olsLogLikelihood(ssrU, nobs);
  const lr = -2 * (llfR - llfU);
  // Wald F of the cause coefficients with cov = s^2 (X'X)^-1 (statsmodels' OLS f_test).
  const b = unrestricted.slopes.slice(lag);
  const cov = unrestricted.inverse.subMatrix(lag, 2 * lag - 1, lag, 2 * lag - 1);
  const paramsF = quadraticInverse(cov.to2DArray(), b) / (ssrU / dfDenom) / lag;
  const ownNames = Array.from({ length: lag }, (_, i) => `${names.effect}.L${i + 1}`);
  const causeNames = Array.from({ length: lag }, (_, i) => `${names.cause}.L${i + 1}`);
  return {
    lag,
    nobs,
    ssr_ftest: { F: f, pvalue: fSf(f, lag, dfDenom), df_denom: dfDenom, df_num: lag },
    ssr_chi2test: { chi2, pvalue: chi2Sf(chi2, lag), df: lag },
    lrtest: { chi2: lr, pvalue: chi2Sf(lr, lag), df: lag },
    params_ftest: { F: paramsF, pvalue: fSf(paramsF, lag, dfDenom), df_denom: dfDenom, df_num: lag },
    restricted_ols: {
      param_names: [...ownNames, 'const'],
      params: [...restricted.slopes, restricted.intercept],
      ssr: ssrR,
      llf: llfR,
      df_resid: nobs - lag - 1,
    },
    unrestricted_ols: {
      param_names: [...ownNames, ...causeNames, 'const'],
      params: [...unrestricted.slopes, unrestricted.intercept],
      ssr: ssrU,
      llf: llfU,
      df_resid: dfDenom,
    },
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
  if (effect.length !== cause.length)
    throw new AnalyticsInputError(`series lengths differ: ${effect.length} and ${cause.length}`);
  if (!Number.isInteger(maxlag) || maxlag < 1)
    throw new AnalyticsInputError(`maxlag must be a positive integer, got ${maxlag}`);
  // statsmodels refuses n <= 3 maxlag + 1 (with the constant): the largest lag then keeps one residual df.
  const need = 3 * maxlag + 2;
  if (effect.length < need)
    throw new AnalyticsInputError(`Granger test at lag ${maxlag} needs at least ${need} points, got ${effect.length}`);
  for (let t = 0; t < effect.length; t++) {
    if (!Number.isFinite(effect[t]) || !Number.isFinite(cause[t]))
      throw new AnalyticsInputError(`Granger test needs complete series: missing value at index ${t}`);
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
  const panel = new GrangerPanel([Float64Array.from(effect), Float64Array.from(cause)], maxlag);
  const lags = panel.pair(0, 1, names);
  return {
    cause: names.cause,
    effect: names.effect,
    null_hypothesis: `${names.cause} does not Granger-cause ${names.effect}`,
    maxlag,
    lags,
  };
}

/**
 * Granger tests for every ordered pair of `series` (cause != effect) at lags 1..maxlag. Each effect's
 * lag columns and restricted (own-lag) regressions are computed once and shared by all pairs.
 */
export function grangerAllPairs(
  series: readonly ArrayLike<number>[],
  names: readonly string[],
  maxlag: number,
): GrangerResult[] {
  if (names.length !== series.length)
    throw new AnalyticsInputError(`${names.length} names for ${series.length} series`);
  const cols = series.map((s) => Float64Array.from(s));
  for (let i = 1; i < cols.length; i++) checkPair(cols[0] ?? [], cols[i] ?? [], maxlag);
  const panel = new GrangerPanel(cols, maxlag);
  const results: GrangerResult[] = [];
  for (let e = 0; e < cols.length; e++) {
    for (let c = 0; c < cols.length; c++) {
      if (c === e) continue;
      const pair = { effect: names[e] ?? '', cause: names[c] ?? '' };
      const lags = panel.pair(e, c, pair);
      results.push({ ...pair, null_hypothesis: `${pair.cause} does not Granger-cause ${pair.effect}`, maxlag, lags });
    }
  }
  return results;
}

/** Lag selection for a pair: VAR information criteria on the two-column system [effect, cause]. */
export function grangerLagSelection(
  effect: ArrayLike<number>,
  cause: ArrayLike<number>,
  maxlag: number,
): LagOrderSelection {
  checkPair(effect, cause, maxlag);
  return selectOrder([Float64Array.from(effect), Float64Array.from(cause)], maxlag);
}
