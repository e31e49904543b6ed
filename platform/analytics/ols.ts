/**
 * Least squares with an intercept for one or several responses sharing the regressors (a VAR's equations).
 * The regressors and responses are centred first, so the intercept drops out and the normal equations of the
 * centred columns are well conditioned even for price levels; they are solved by ml-matrix's Cholesky.
 * The intercept is recovered as mean(y) - b' mean(x) (Frisch-Waugh-Lovell).
 */
import { Matrix } from 'ml-matrix';
import { AnalyticsInputError } from './errors.ts';
import { cholesky } from './linalg.ts';

export interface OlsFit {
  readonly nobs: number;
  /** Regressors, the intercept excluded. */
  readonly m: number;
  /** slopes[r][j]: coefficient of regressor j in the equation of response r. */
  readonly slopes: number[][];
  readonly intercepts: number[];
  readonly resid: Float64Array[];
  readonly ssr: number[];
  /** (Xc' Xc)^-1 of the centred regressors: the slopes' covariance divided by the error variance. */
  readonly slopeCovUnscaled: Matrix;
  readonly regressorMeans: Float64Array;
}

function centred(x: ArrayLike<number>, n: number): { values: Float64Array; mean: number } {
  if (x.length !== n) throw new AnalyticsInputError(`regression columns differ in length: ${n} and ${x.length}`);
  let s = 0;
  for (let t = 0; t < n; t++) s += x[t] ?? 0;
  const mean = s / n;
  const values = new Float64Array(n);
  for (let t = 0; t < n; t++) values[t] = (x[t] ?? 0) - mean;
  return { values, mean };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let t = 0; t < a.length; t++) s += (a[t] as number) * (b[t] as number);
  return s;
}

/** X'X and X'Y of columns of equal length. */
function normalEquations(xs: readonly Float64Array[], ys: readonly Float64Array[]): { gram: Matrix; rhs: Matrix } {
  const m = xs.length;
  const gram = new Matrix(m, m);
  const rhs = new Matrix(m, ys.length);
  for (let i = 0; i < m; i++) {
    const xi = xs[i] ?? new Float64Array(0);
    for (let j = i; j < m; j++) {
      const v = dot(xi, xs[j] ?? new Float64Array(0));
      gram.set(i, j, v);
      gram.set(j, i, v);
    }
    for (let r = 0; r < ys.length; r++) rhs.set(i, r, dot(xi, ys[r] ?? new Float64Array(0)));
  }
  return { gram, rhs };
}

export function ols(regressors: readonly ArrayLike<number>[], responses: readonly ArrayLike<number>[]): OlsFit {
  const nobs = responses[0]?.length ?? 0;
  const m = regressors.length;
  if (nobs <= m + 1)
    throw new AnalyticsInputError(
      `regression: ${nobs} observations for ${m + 1} parameters; need more points or fewer lags`,
    );
  const xs = regressors.map((x) => centred(x, nobs));
  const ys = responses.map((y) => centred(y, nobs));
  const { gram, rhs } = normalEquations(
    xs.map((x) => x.values),
    ys.map((y) => y.values),
  );
  const regressorMeans = Float64Array.from(xs, (x) => x.mean);
  const chol = m > 0 ? cholesky(gram, "the regressors' cross-product matrix") : undefined;
  const beta = chol ? chol.solve(rhs) : rhs;
  const slopeCovUnscaled = chol ? chol.solve(Matrix.eye(m)) : new Matrix(0, 0);
  const slopes: number[][] = [];
  const intercepts: number[] = [];
  const resid: Float64Array[] = [];
  const ssr: number[] = [];
  for (let r = 0; r < ys.length; r++) {
    const y = ys[r] ?? { values: new Float64Array(nobs), mean: 0 };
    const b = Array.from({ length: m }, (_, i) => beta.get(i, r));
    const e = Float64Array.from(y.values);
    let intercept = y.mean;
    for (let i = 0; i < m; i++) {
      const bi = b[i] ?? 0;
      intercept -= bi * (regressorMeans[i] ?? 0);
      const x = xs[i]?.values ?? new Float64Array(nobs);
      for (let t = 0; t < nobs; t++) e[t] = (e[t] as number) - bi * (x[t] as number);
    }
    slopes.push(b);
    intercepts.push(intercept);
    resid.push(e);
    ssr.push(dot(e, e));
  }
  return { nobs, m, slopes, intercepts, resid, ssr, slopeCovUnscaled, regressorMeans };
}

/** (Z'Z)^-1 of the full design Z = [1, X], intercept first, from the centred inverse by block algebra. */
export function fullDesignInverse(fit: OlsFit): Matrix {
  const m = fit.m;
  const g = fit.slopeCovUnscaled;
  const xbar = Matrix.columnVector(Array.from(fit.regressorMeans));
  const gx = m > 0 ? g.mmul(xbar) : new Matrix(0, 1);
  const out = new Matrix(m + 1, m + 1);
  let c = 1 / fit.nobs;
  for (let i = 0; i < m; i++) c += (fit.regressorMeans[i] ?? 0) * gx.get(i, 0);
  out.set(0, 0, c);
  for (let i = 0; i < m; i++) {
    out.set(0, i + 1, -gx.get(i, 0));
    out.set(i + 1, 0, -gx.get(i, 0));
    for (let j = 0; j < m; j++) out.set(i + 1, j + 1, g.get(i, j));
  }
  return out;
}

/** Gaussian log-likelihood of an OLS fit with the ML variance ssr / nobs. */
export function olsLogLikelihood(ssr: number, nobs: number): number {
  return (-nobs / 2) * (Math.log(2 * Math.PI) + Math.log(ssr / nobs) + 1);
}

export interface OriginFit {
  readonly nobs: number;
  /** slopes[r][j]: coefficient of regressor j in the equation of response r. */
  readonly slopes: number[][];
  readonly resid: Float64Array[];
  /** (X'X)^-1. */
  readonly designInverse: Matrix;
}

/**
 * Least squares without an intercept (a VAR with trend 'n'): the uncentred normal equations, well conditioned
 * for returns, which is what such a model is for (levels without a constant make little sense).
 */
export function olsThroughOrigin(
  regressors: readonly ArrayLike<number>[],
  responses: readonly ArrayLike<number>[],
): OriginFit {
  const nobs = responses[0]?.length ?? 0;
  const m = regressors.length;
  if (m < 1 || nobs <= m)
    throw new AnalyticsInputError(`regression without intercept: ${nobs} observations for ${m} parameters`);
  const xs = regressors.map((x) => {
    if (x.length !== nobs)
      throw new AnalyticsInputError(`regression columns differ in length: ${nobs} and ${x.length}`);
    return Float64Array.from(x);
  });
  const ys = responses.map((y) => Float64Array.from(y));
  const { gram, rhs } = normalEquations(xs, ys);
  const chol = cholesky(gram, "the regressors' cross-product matrix");
  const beta = chol.solve(rhs);
  const slopes = ys.map((_, r) => Array.from({ length: m }, (_, i) => beta.get(i, r)));
  const resid = ys.map((y, r) => {
    const e = Float64Array.from(y);
    xs.forEach((x, i) => {
      const b = slopes[r]?.[i] ?? 0;
      for (let t = 0; t < nobs; t++) e[t] = (e[t] as number) - b * (x[t] as number);
    });
    return e;
  });
  return { nobs, slopes, resid, designInverse: chol.solve(Matrix.eye(m)) };
}
