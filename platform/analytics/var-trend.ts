/**
 * statsmodels' (0.13) deterministic terms of a VAR: 'n' none, 'c' a constant, 'ct' also a linear trend, 'ctt'
 * also its square, prepended to the lag regressors in that order (`util.get_var_endog`, `make_lag_names`).
 * The trend counts observations of the data handed to the estimator from 1 (statsmodels adds the lag order to
 * the trend column of the lagged design "to match JMulTi"), so in a fit the observation at index s has
 * t = s + 1 and forecast h has t = n + h (`np.arange(n_totobs + 1, ...)`); `select_order` drops
 * maxlags - p leading points first, so there t = s - (maxlags - p) + 1.
 */
import { Matrix } from 'ml-matrix';
import { fullDesignInverse, ols, olsThroughOrigin } from './ols.ts';

export const VAR_TRENDS = ['n', 'c', 'ct', 'ctt'] as const;
export type VarTrend = (typeof VAR_TRENDS)[number];

const NAMES = ['const', 'trend', 'trend**2'];

/** statsmodels' `get_trendorder`: the number of deterministic regressors. */
export function trendOrder(trend: VarTrend): number {
  return trend === 'n' ? 0 : trend.length;
}

export function trendNames(trend: VarTrend): string[] {
  return NAMES.slice(0, trendOrder(trend));
}

/** The deterministic regressors at trend value t: [1, t, t^2] cut to the trend's order. */
export function trendTerms(trend: VarTrend, t: number): number[] {
  return [1, t, t * t].slice(0, trendOrder(trend));
}

/**
 * The non-constant deterministic columns (t, t^2) for observations start..n-1, where the observation at index
 * s has t = s - offset + 1, each divided by a scale (the largest t, or its square) so that the centred normal
 * equations stay well conditioned next to returns; coefficients are multiplied back by `scales`' inverse.
 */
export function trendColumns(
  trend: VarTrend,
  start: number,
  n: number,
  offset: number,
): { columns: Float64Array[]; scales: number[] } {
  const powers = Math.max(0, trendOrder(trend) - 1);
  const top = n - offset;
  const columns: Float64Array[] = [];
  const scales: number[] = [];
  for (let d = 1; d <= powers; d++) {
    const scale = top ** d;
    columns.push(Float64Array.from({ length: n - start }, (_, i) => (start + i - offset + 1) ** d / scale));
    scales.push(scale);
  }
  return { columns, scales };
}

export interface TrendFit {
  readonly nobs: number;
  /** det[d][i]: deterministic coefficient d (const, trend, trend**2) of equation i. */
  readonly det: number[][];
  /** slopes[i][l * k + j]: lag l+1 of variable j in equation i. */
  readonly slopes: number[][];
  readonly resid: Float64Array[];
  /** (Z'Z)^-1 of the design, deterministic terms first (statsmodels' params order). */
  readonly designInverse: Matrix;
}

/**
 * OLS of every equation on observations start..n-1 with p lags and the trend's terms, t counted from
 * `offset` (0 in a fit, maxlags - p in select_order). With a constant the centred least squares of `ols.ts`
 * takes t and t^2 (scaled) as ordinary regressors; without one the uncentred normal equations.
 */
export function estimateWithTrend(
  columns: readonly Float64Array[],
  p: number,
  start: number,
  trend: VarTrend,
  offset: number,
): TrendFit {
  const n = columns[0]?.length ?? 0;
  const lags: Float64Array[] = [];
  for (let l = 1; l <= p; l++) for (const c of columns) lags.push(c.subarray(start - l, n - l));
  const responses = columns.map((c) => c.subarray(start));
  if (trend === 'n') {
    const fit = olsThroughOrigin(lags, responses);
    return { nobs: fit.nobs, det: [], slopes: fit.slopes, resid: fit.resid, designInverse: fit.designInverse };
  }
  const { columns: trendCols, scales } = trendColumns(trend, start, n, offset);
  const fit = ols([...trendCols, ...lags], responses);
  const q = trendCols.length;
  // Undo the scaling: coefficient b/s, (Z'Z)^-1 entries divided by both rows' scales.
  const factor = [1, ...scales.map((s) => 1 / s), ...lags.map(() => 1)];
  const inv = fullDesignInverse(fit);
  const designInverse = new Matrix(inv.rows, inv.columns);
  for (let a = 0; a < inv.rows; a++)
    for (let b = 0; b < inv.columns; b++) designInverse.set(a, b, inv.get(a, b) * (factor[a] ?? 1) * (factor[b] ?? 1));
  const det = [fit.intercepts.slice(), ...scales.map((s, d) => fit.slopes.map((eq) => (eq[d] ?? Number.NaN) / s))];
  return { nobs: fit.nobs, det, slopes: fit.slopes.map((eq) => eq.slice(q)), resid: fit.resid, designInverse };
}
