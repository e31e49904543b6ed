/**
 * Vector autoregression y_t = D_t + A_1 y_{t-1} + ... + A_p y_{t-p} + u_t (D_t the trend's deterministic terms,
 * `var-trend.ts`; a constant by default) fitted by OLS equation by equation,
 * with statsmodels' (0.13) conventions: lag-order selection on a common sample, Lütkepohl's per-observation
 * information criteria, iterated forecasts with MSE intervals, orthogonalised impulse responses from the
 * Cholesky factor of the df-adjusted sigma_u, and Wald/F Granger tests (Lütkepohl 2005, ch. 3-4).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { chi2Isf, chi2Sf, fIsf, fSf, normalIsf, normalTwoSided } from './distributions.ts';
import { AnalyticsInputError } from './errors.ts';
import { cholesky } from './linalg.ts';
import { estimateWithTrend, trendNames, trendOrder, trendTerms, type VarTrend } from './var-trend.ts';

export interface VarFit {
  readonly symbols: string[];
  readonly k: number;
  readonly lag_order: number;
  /** statsmodels' deterministic terms ('n', 'c', 'ct', 'ctt'): the first trendOrder(trend) rows of params. */
  readonly trend: VarTrend;
  readonly nobs: number;
  readonly df_model: number;
  readonly df_resid: number;
  /** The constant (zeros for trend 'n', as statsmodels' VARProcess.intercept). */
  readonly intercept: number[];
  /** coefs[l][i][j]: effect of variable j at lag l+1 on equation i. */
  readonly coefs: number[][][];
  readonly param_names: string[];
  /** Rows follow param_names, columns the equations. */
  readonly params: number[][];
  readonly stderr: number[][];
  readonly tvalues: number[][];
  readonly pvalues: number[][];
  readonly sigma_u: number[][];
  readonly sigma_u_mle: number[][];
  readonly llf: number;
  readonly aic: number;
  readonly bic: number;
  readonly hqic: number;
  readonly fpe: number;
  readonly detomega: number;
  readonly is_stable: boolean;
  readonly roots_abs: number[];
  readonly resid: number[][];
  /** The last p observations (oldest first): where forecasts start. */
  readonly y_last: number[][];
  /** (Z'Z)^-1 of the design, deterministic terms first. */
  readonly designInverse: number[][];
}

export interface InformationCriteria {
  readonly aic: number;
  readonly bic: number;
  readonly hqic: number;
  readonly fpe: number;
}

export interface LagOrderSelection {
  readonly maxlags: number;
  readonly nobs_used: number;
  readonly orders: number[];
  readonly ics: { aic: number[]; bic: number[]; hqic: number[]; fpe: number[] };
  readonly selected_orders: { aic: number; bic: number; hqic: number; fpe: number };
}

function checkColumns(columns: readonly ArrayLike<number>[]): Float64Array[] {
  if (columns.length < 1) throw new AnalyticsInputError('VAR needs at least one series');
  const n = columns[0]?.length ?? 0;
  return columns.map((c, j) => {
    if (c.length !== n) throw new AnalyticsInputError(`series lengths differ: ${n} and ${c.length}`);
    const out = Float64Array.from(c);
    for (let t = 0; t < n; t++)
      if (!Number.isFinite(out[t]))
        throw new AnalyticsInputError(`VAR needs complete series: series ${j} has a missing value at index ${t}`);
    return out;
  });
}

function crossProduct(resid: readonly Float64Array[], divisor: number): number[][] {
  return resid.map((a) =>
    resid.map((b) => {
      let s = 0;
      for (let t = 0; t < a.length; t++) s += (a[t] as number) * (b[t] as number);
      return s / divisor;
    }),
  );
}

function logDet(spd: number[][], what: string): number {
  const l = cholesky(new Matrix(spd), what).lowerTriangularMatrix;
  let s = 0;
  for (let i = 0; i < l.rows; i++) s += 2 * Math.log(l.get(i, i));
  return s;
}

/** statsmodels' info_criteria: free parameters p k^2 + k k_trend, df_model k p + k_trend. */
function criteria(ld: number, k: number, p: number, nobs: number, kTrend: number): InformationCriteria {
  const free = p * k * k + k * kTrend;
  const dfModel = k * p + kTrend;
  const dfResid = nobs - dfModel;
  return {
    aic: ld + (2 * free) / nobs,
    bic: ld + (Math.log(nobs) * free) / nobs,
    hqic: ld + (2 * Math.log(Math.log(nobs)) * free) / nobs,
    fpe: ((nobs + dfModel) / dfResid) ** k * Math.exp(ld),
  };
}

function checkOrder(n: number, k: number, p: number, start: number, trend: VarTrend): void {
  if (!Number.isInteger(p) || p < 0)
    throw new AnalyticsInputError(`lag order must be a non-negative integer, got ${p}`);
  if (p === 0 && trend === 'n') throw new AnalyticsInputError("a VAR with trend 'n' needs at least one lag");
  // df_resid >= k: below that the residual covariance is singular (statsmodels fails there too); in
  // select_order this is statsmodels' own bound maxlags <= (n - k - k_trend) / (1 + k).
  const need = start + k * p + trendOrder(trend) + k;
  if (n < need) throw new AnalyticsInputError(`VAR(${p}) on ${k} series needs at least ${need} points, got ${n}`);
}

/**
 * Fits every order (0..maxlags; 1..maxlags for trend 'n', as statsmodels) on the same sample (the first
 * maxlags points dropped) and picks each criterion's first minimum.
 */
export function selectOrder(
  columns: readonly ArrayLike<number>[],
  maxlags: number,
  trend: VarTrend = 'c',
): LagOrderSelection {
  const cols = checkColumns(columns);
  const k = cols.length;
  const n = cols[0]?.length ?? 0;
  checkOrder(n, k, maxlags, maxlags, trend);
  const ics = { aic: [] as number[], bic: [] as number[], hqic: [] as number[], fpe: [] as number[] };
  const orders: number[] = [];
  const pMin = trend === 'n' ? 1 : 0;
  for (let p = pMin; p <= maxlags; p++) {
    const raw = estimateWithTrend(cols, p, maxlags, trend, maxlags - p);
    const ld = logDet(crossProduct(raw.resid, raw.nobs), 'the residual covariance');
    const ic = criteria(ld, k, p, raw.nobs, trendOrder(trend));
    orders.push(p);
    ics.aic.push(ic.aic);
    ics.bic.push(ic.bic);
    ics.hqic.push(ic.hqic);
    ics.fpe.push(ic.fpe);
  }
  const argmin = (v: number[]): number => pMin + v.reduce((best, x, i) => (x < (v[best] ?? Infinity) ? i : best), 0);
  return {
    maxlags,
    nobs_used: n - maxlags,
    orders,
    ics,
    selected_orders: { aic: argmin(ics.aic), bic: argmin(ics.bic), hqic: argmin(ics.hqic), fpe: argmin(ics.fpe) },
  };
}

function companionRootsAbs(coefs: number[][][], k: number): number[] {
  const p = coefs.length;
  if (p === 0) return [];
  const kp = k * p;
  const companion = new Matrix(kp, kp);
  for (let l = 0; l < p; l++)
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) companion.set(i, l * k + j, coefs[l]?.[i]?.[j] ?? 0);
  for (let i = k; i < kp; i++) companion.set(i, i - k, 1);
  const eig = new EigenvalueDecomposition(companion);
  return eig.realEigenvalues.map((re, i) => 1 / Math.hypot(re, eig.imaginaryEigenvalues[i] ?? 0)).sort((a, b) => a - b);
}

/** OLS fit of a VAR(p) with the trend's deterministic terms (a constant by default) on observations p..n-1. */
export function fitVar(
  columns: readonly ArrayLike<number>[],
  p: number,
  symbols?: readonly string[],
  trend: VarTrend = 'c',
): VarFit {
  const cols = checkColumns(columns);
  const k = cols.length;
  const n = cols[0]?.length ?? 0;
  checkOrder(n, k, p, p, trend);
  const names = symbols ? [...symbols] : cols.map((_, j) => `y${j + 1}`);
  if (names.length !== k) throw new AnalyticsInputError(`${names.length} symbols for ${k} series`);
  const raw = estimateWithTrend(cols, p, p, trend, 0);
  const nobs = raw.nobs;
  const kTrend = trendOrder(trend);
  const dfModel = k * p + kTrend;
  const dfResid = nobs - dfModel;
  const params: number[][] = raw.det.map((row) => row.slice());
  const paramNames = trendNames(trend);
  for (let l = 0; l < p; l++) {
    for (let j = 0; j < k; j++) {
      paramNames.push(`L${l + 1}.${names[j] ?? ''}`);
      params.push(raw.slopes.map((eq) => eq[l * k + j] ?? Number.NaN));
    }
  }
  const coefs = Array.from({ length: p }, (_, l) => raw.slopes.map((eq) => eq.slice(l * k, (l + 1) * k)));
  const sigmaU = crossProduct(raw.resid, dfResid);
  const sigmaMle = crossProduct(raw.resid, nobs);
  const ld = logDet(sigmaMle, 'the residual covariance');
  const inv = raw.designInverse;
  const stderr = params.map((_, r) => sigmaU.map((row, eq) => Math.sqrt(inv.get(r, r) * (row[eq] ?? Number.NaN))));
  const tvalues = params.map((row, r) => row.map((v, eq) => v / (stderr[r]?.[eq] ?? Number.NaN)));
  const roots = companionRootsAbs(coefs, k);
  return {
    symbols: names,
    k,
    lag_order: p,
    trend,
    nobs,
    df_model: dfModel,
    df_resid: dfResid,
    intercept: raw.det[0]?.slice() ?? new Array<number>(k).fill(0),
    coefs,
    param_names: paramNames,
    params,
    stderr,
    tvalues,
    pvalues: tvalues.map((row) => row.map((t) => normalTwoSided(t))),
    sigma_u: sigmaU,
    sigma_u_mle: sigmaMle,
    llf: (-nobs / 2) * (k * Math.log(2 * Math.PI) + ld + k),
    ...criteria(ld, k, p, nobs, kTrend),
    // statsmodels' detomega is the determinant of the df-adjusted sigma_u.
    detomega: Math.exp(ld) * (nobs / dfResid) ** k,
    is_stable: roots.every((r) => r > 1),
    roots_abs: roots,
    resid: Array.from({ length: nobs }, (_, t) => raw.resid.map((e) => e[t] ?? Number.NaN)),
    y_last: Array.from({ length: p }, (_, i) => cols.map((c) => c[n - p + i] ?? Number.NaN)),
    designInverse: inv.to2DArray(),
  };
}

function matmul(a: number[][], b: number[][]): number[][] {
  return new Matrix(a).mmul(new Matrix(b)).to2DArray();
}

/** MA coefficients Phi_0..Phi_periods: Phi_h = sum_{l=1..min(h,p)} Phi_{h-l} A_l. */
export function maCoefficients(fit: VarFit, periods: number): number[][][] {
  const k = fit.k;
  const phis: number[][][] = [Matrix.eye(k).to2DArray()];
  for (let h = 1; h <= periods; h++) {
    let acc = new Matrix(k, k);
    for (let l = 1; l <= Math.min(h, fit.lag_order); l++) {
      acc = acc.add(new Matrix(phis[h - l] ?? []).mmul(new Matrix(fit.coefs[l - 1] ?? [])));
    }
    phis.push(acc.to2DArray());
  }
  return phis;
}

export interface ImpulseResponse {
  readonly periods: number;
  readonly cholesky_factor: number[][];
  readonly irfs: number[][][];
  readonly orth_irfs: number[][][];
}

/** irfs[h][i][j]: response of variable i, h periods after a unit (orth: one-s.d. Cholesky) shock to variable j. */
export function impulseResponse(fit: VarFit, periods: number): ImpulseResponse {
  if (!Number.isInteger(periods) || periods < 0)
    throw new AnalyticsInputError(`periods must be a non-negative integer, got ${periods}`);
  const chol = cholesky(new Matrix(fit.sigma_u), 'sigma_u').lowerTriangularMatrix.to2DArray();
  const irfs = maCoefficients(fit, periods);
  return { periods, cholesky_factor: chol, irfs, orth_irfs: irfs.map((phi) => matmul(phi, chol)) };
}

export interface Forecast {
  readonly steps: number;
  readonly y_input: number[][];
  readonly point: number[][];
  readonly interval_alpha: number;
  readonly lower: number[][];
  readonly upper: number[][];
}

/**
 * Iterated point forecasts h = 1..steps with intervals point +- z sqrt(diag MSE_h), MSE_h = sum Phi_i sigma_u Phi_i'.
 */
export function forecast(fit: VarFit, steps: number, alpha = 0.05, yInput: number[][] = fit.y_last): Forecast {
  if (!Number.isInteger(steps) || steps < 1)
    throw new AnalyticsInputError(`steps must be a positive integer, got ${steps}`);
  if (!(alpha > 0 && alpha < 1)) throw new AnalyticsInputError(`alpha must be in (0, 1), got ${alpha}`);
  const k = fit.k;
  const p = fit.lag_order;
  if (yInput.length < p)
    throw new AnalyticsInputError(`forecast needs the last ${p} observations, got ${yInput.length}`);
  const history = yInput.slice(yInput.length - p).map((r) => r.slice());
  const point: number[][] = [];
  // The trend continues from the fitted data: t = n_totobs + h, whatever yInput is (statsmodels' forecast).
  const nTotal = fit.nobs + p;
  for (let h = 0; h < steps; h++) {
    const terms = trendTerms(fit.trend, nTotal + h + 1);
    const next = Array.from({ length: k }, (_, i) =>
      terms.reduce((acc, v, d) => acc + v * (fit.params[d]?.[i] ?? 0), 0),
    );
    for (let l = 1; l <= p; l++) {
      const y = history[history.length - l] ?? [];
      const a = fit.coefs[l - 1] ?? [];
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) next[i] = (next[i] ?? 0) + (a[i]?.[j] ?? 0) * (y[j] ?? 0);
    }
    point.push(next);
    history.push(next);
  }
  const phis = maCoefficients(fit, steps - 1);
  const sigma = new Matrix(fit.sigma_u);
  const z = normalIsf(alpha / 2);
  let mse = new Matrix(k, k);
  const lower: number[][] = [];
  const upper: number[][] = [];
  for (let h = 0; h < steps; h++) {
    const phi = new Matrix(phis[h] ?? []);
    mse = mse.add(phi.mmul(sigma).mmul(phi.transpose()));
    const row = point[h] ?? [];
    lower.push(row.map((v, i) => v - z * Math.sqrt(mse.get(i, i))));
    upper.push(row.map((v, i) => v + z * Math.sqrt(mse.get(i, i))));
  }
  return { steps, y_input: yInput.slice(yInput.length - p), point, interval_alpha: alpha, lower, upper };
}

export interface CausalityTest {
  readonly caused: string[] | string;
  readonly causing: string[];
  readonly kind: 'f' | 'wald';
  readonly signif: number;
  readonly test_statistic: number;
  readonly crit_value: number;
  readonly pvalue: number;
  readonly df: number | [number, number];
  readonly conclusion: 'reject' | 'fail to reject';
}

function indexOf(fit: VarFit, symbol: string): number {
  const i = fit.symbols.indexOf(symbol);
  if (i < 0) throw new AnalyticsInputError(`unknown symbol ${symbol}: the VAR has ${fit.symbols.join(', ')}`);
  return i;
}

/**
 * H0: the `causing` variables do not Granger-cause the `caused` ones (all their lag coefficients in the
 * caused equations are zero). Wald statistic with cov = kron((Z'Z)^-1, sigma_u); the F form divides it by
 * the number of restrictions and uses df (restrictions, k * df_resid), as statsmodels' test_causality.
 */
export function testCausality(
  fit: VarFit,
  caused: readonly string[],
  causing: readonly string[],
  kind: 'f' | 'wald' = 'f',
  signif = 0.05,
): CausalityTest {
  if (fit.lag_order < 1) throw new AnalyticsInputError('test_causality needs a VAR with at least one lag');
  if (caused.length === 0 || causing.length === 0)
    throw new AnalyticsInputError('caused and causing must each name at least one symbol');
  const ed = caused.map((s) => indexOf(fit, s));
  const ing = causing.map((s) => indexOf(fit, s));
  const k = fit.k;
  const coefficient: number[] = [];
  const at: { row: number; eq: number }[] = [];
  for (let l = 0; l < fit.lag_order; l++) {
    for (const j of ing) {
      for (const i of ed) {
        const row = trendOrder(fit.trend) + l * k + j;
        at.push({ row, eq: i });
        coefficient.push(fit.params[row]?.[i] ?? Number.NaN);
      }
    }
  }
  const v = new Matrix(
    at.map((a) => at.map((b) => (fit.designInverse[a.row]?.[b.row] ?? 0) * (fit.sigma_u[a.eq]?.[b.eq] ?? 0))),
  );
  const x = cholesky(v, 'the covariance of the tested coefficients').solve(Matrix.columnVector(coefficient));
  let wald = 0;
  for (let r = 0; r < coefficient.length; r++) wald += (coefficient[r] ?? 0) * x.get(r, 0);
  const q = coefficient.length;
  const base = { caused: caused.length === 1 ? (caused[0] ?? '') : [...caused], causing: [...causing], kind, signif };
  if (kind === 'f') {
    const f = wald / q;
    const d2 = k * fit.df_resid;
    const pvalue = fSf(f, q, d2);
    const crit = fIsf(signif, q, d2);
    return {
      ...base,
      test_statistic: f,
      crit_value: crit,
      pvalue,
      df: [q, d2],
      conclusion: f > crit ? 'reject' : 'fail to reject',
    };
  }
  const pvalue = chi2Sf(wald, q);
  const crit = chi2Isf(signif, q);
  return {
    ...base,
    test_statistic: wald,
    crit_value: crit,
    pvalue,
    df: q,
    conclusion: wald > crit ? 'reject' : 'fail to reject',
  };
}
