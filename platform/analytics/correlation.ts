/**
 * Pearson, Spearman and Kendall correlation of pairs and of N series, with explicit missing-data handling.
 * Conventions follow numpy/scipy: Pearson p-values from the t distribution with n - 2 df, Spearman on average
 * ranks, Kendall in `kendall.ts` (tau-b with the tie-corrected asymptotic p-value unless asked otherwise).
 */
import { AnalyticsInputError, requireLength } from './errors.ts';
import { tPValue, type Alternative } from './distributions.ts';
import { kendallTau, type KendallOptions } from './kendall.ts';

export type CorrelationMethod = 'pearson' | 'spearman' | 'kendall';
/**
 * listwise: keep only the time points where every series has a finite value (one common sample);
 * pairwise: each pair uses the points where both of its series are finite (pandas' DataFrame.corr).
 */
export type MissingPolicy = 'listwise' | 'pairwise';

export interface Correlation {
  readonly r: number;
  readonly pvalue: number;
  readonly n: number;
}

export interface CorrelationMatrix {
  readonly method: CorrelationMethod;
  readonly missing: MissingPolicy;
  readonly matrix: number[][];
  /** null when not requested (they cost more than the matrix itself for hundreds of series). */
  readonly pvalues: number[][] | null;
  /** Points used by each pair (all equal under listwise). */
  readonly nobs: number[][];
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] ?? 0;
  return s / x.length;
}

function checkPair(x: ArrayLike<number>, y: ArrayLike<number>, min: number): void {
  if (x.length !== y.length) throw new AnalyticsInputError(`series lengths differ: ${x.length} and ${y.length}`);
  requireLength('correlation', x.length, min);
}

function clamp(r: number): number {
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/**
 * p-value of a correlation coefficient by the t test with n - 2 df (scipy pearsonr, spearmanr), two-sided by
 * default. pearsonr's beta distribution of r is this t distribution in another variable.
 */
export function correlationPValue(r: number, n: number, alternative: Alternative = 'two-sided'): number {
  if (Number.isNaN(r) || n < 3) return Number.NaN;
  const df = n - 2;
  const t = Math.abs(r) >= 1 ? r * Number.POSITIVE_INFINITY : r * Math.sqrt(df / ((1 - r) * (1 + r)));
  return tPValue(t, df, alternative);
}

export function pearsonR(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPair(x, y, 2);
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = (x[i] ?? 0) - mx;
    const dy = (y[i] ?? 0) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return clamp(sxy / Math.sqrt(sxx * syy));
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): Correlation {
  const r = pearsonR(x, y);
  return { r, pvalue: correlationPValue(r, x.length), n: x.length };
}

/** Average ranks, 1-based (ties share the mean of the ranks they span). */
export function ranks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (x[a] ?? 0) - (x[b] ?? 0));
  const out = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    const v = x[order[i] ?? 0];
    while (j + 1 < n && x[order[j + 1] ?? 0] === v) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k] ?? 0] = rank;
    i = j + 1;
  }
  return out;
}

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): Correlation {
  checkPair(x, y, 2);
  const r = pearsonR(ranks(x), ranks(y));
  return { r, pvalue: correlationPValue(r, x.length), n: x.length };
}

/** Test options: the alternative (every method) and Kendall's variant and p-value method. */
export interface CorrelationTestOptions {
  readonly alternative?: Alternative;
  readonly kendall?: Omit<KendallOptions, 'alternative'>;
}

export function correlate(
  method: CorrelationMethod,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: CorrelationTestOptions = {},
): Correlation {
  const alternative = options.alternative ?? 'two-sided';
  if (method === 'kendall') return kendallTau(x, y, { method: 'asymptotic', ...options.kendall, alternative });
  const r = method === 'pearson' ? pearsonR(x, y) : spearman(x, y).r;
  return { r, pvalue: correlationPValue(r, x.length, alternative), n: x.length };
}

/** Rows where every series is finite. */
export function listwiseComplete(series: readonly ArrayLike<number>[]): Float64Array[] {
  const n = series[0]?.length ?? 0;
  for (const s of series)
    if (s.length !== n) throw new AnalyticsInputError(`series lengths differ: ${n} and ${s.length}`);
  const keep: number[] = [];
  for (let t = 0; t < n; t++) if (series.every((s) => Number.isFinite(s[t]))) keep.push(t);
  return series.map((s) => Float64Array.from(keep, (t) => s[t] ?? 0));
}

/** The points where both x and y are finite. */
export function pairwiseComplete(x: ArrayLike<number>, y: ArrayLike<number>): [Float64Array, Float64Array] {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let t = 0; t < x.length; t++) {
    const a = x[t];
    const b = y[t];
    if (a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b)) {
      xs.push(a);
      ys.push(b);
    }
  }
  return [Float64Array.from(xs), Float64Array.from(ys)];
}

function square(k: number, fill: number): number[][] {
  return Array.from({ length: k }, () => new Array<number>(k).fill(fill));
}

/**
 * Pearson matrix of complete columns as one product Z'Z of standardised columns: each column is centred and
 * scaled to unit norm once, then r_ij is a dot product. The product runs in 4 x 4 blocks (16 accumulators, each
 * loaded value used four times), over a typed array padded with zero columns to a multiple of four.
 */
export function pearsonMatrixComplete(columns: readonly ArrayLike<number>[]): number[][] {
  const k = columns.length;
  const n = columns[0]?.length ?? 0;
  const kp = Math.ceil(k / 4) * 4;
  const z = new Float64Array(kp * n);
  for (let c = 0; c < k; c++) {
    const col = columns[c] ?? [];
    if (col.length !== n) throw new AnalyticsInputError(`series lengths differ: ${n} and ${col.length}`);
    const m = mean(col);
    let ss = 0;
    for (let t = 0; t < n; t++) {
      const d = (col[t] ?? 0) - m;
      z[c * n + t] = d;
      ss += d * d;
    }
    const scale = 1 / Math.sqrt(ss);
    for (let t = 0; t < n; t++) z[c * n + t] = (z[c * n + t] ?? 0) * scale;
  }
  const out = square(k, 1);
  const block = new Float64Array(16);
  for (let i = 0; i < kp; i += 4) {
    const a0 = i * n;
    const a1 = a0 + n;
    const a2 = a1 + n;
    const a3 = a2 + n;
    for (let j = i; j < kp; j += 4) {
      const b0 = j * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      let s20 = 0,
        s21 = 0,
        s22 = 0,
        s23 = 0,
        s30 = 0,
        s31 = 0,
        s32 = 0,
        s33 = 0;
      for (let t = 0; t < n; t++) {
        const x0 = z[a0 + t] as number;
        const x1 = z[a1 + t] as number;
        const x2 = z[a2 + t] as number;
        const x3 = z[a3 + t] as number;
        const y0 = z[b0 + t] as number;
        const y1 = z[b1 + t] as number;
        const y2 = z[b2 + t] as number;
        const y3 = z[b3 + t] as number;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
        s30 += x3 * y0;
        s31 += x3 * y1;
        s32 += x3 * y2;
        s33 += x3 * y3;
      }
      block.set([s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33]);
      for (let r = 0; r < 4; r++) {
        const row = i + r;
        if (row >= k) break;
        for (let c = 0; c < 4; c++) {
          const col = j + c;
          if (col >= k || col <= row) continue;
          const v = clamp(block[r * 4 + c] ?? Number.NaN);
          const ra = out[row];
          const rb = out[col];
          if (ra) ra[col] = v;
          if (rb) rb[row] = v;
        }
      }
    }
  }
  return out;
}

/**
 * One pair's correlation on its complete points. Two points give +-1 as pandas' DataFrame.corr does for every
 * method (NaN when a side repeats), without a p-value (no degrees of freedom); fewer give NaN.
 */
function pairCorrelation(
  method: CorrelationMethod,
  x: Float64Array,
  y: Float64Array,
  options: CorrelationTestOptions,
): Correlation {
  if (x.length >= 3) return correlate(method, x, y, options);
  const sign = x.length === 2 ? Math.sign(((x[1] ?? 0) - (x[0] ?? 0)) * ((y[1] ?? 0) - (y[0] ?? 0))) : 0;
  return { r: sign === 0 ? Number.NaN : sign, pvalue: Number.NaN, n: x.length };
}

/** Correlation matrix of N series with p-values; the diagonal is 1 with p-value 0 (as scipy reports). */
export function correlationMatrix(
  series: readonly ArrayLike<number>[],
  method: CorrelationMethod,
  missing: MissingPolicy,
  options: { pvalues?: boolean } & CorrelationTestOptions = {},
): CorrelationMatrix {
  const withP = options.pvalues ?? true;
  const k = series.length;
  if (k < 2) throw new AnalyticsInputError(`correlation matrix: needs at least 2 series, got ${k}`);
  const n0 = series[0]?.length ?? 0;
  for (const s of series)
    if (s.length !== n0) throw new AnalyticsInputError(`series lengths differ: ${n0} and ${s.length}`);
  const matrix = square(k, 1);
  const pvalues = square(k, 0);
  const nobs = square(k, 0);
  const set = (i: number, j: number, c: Correlation): void => {
    for (const [a, b] of [
      [i, j],
      [j, i],
    ] as const) {
      const mr = matrix[a];
      const pr = pvalues[a];
      const nr = nobs[a];
      if (mr) mr[b] = c.r;
      if (pr) pr[b] = c.pvalue;
      if (nr) nr[b] = c.n;
    }
  };
  if (missing === 'listwise') {
    const complete = listwiseComplete(series);
    const n = complete[0]?.length ?? 0;
    requireLength('correlation matrix (listwise complete rows)', n, 3);
    if (method === 'kendall') {
      for (let i = 0; i < k; i++)
        for (let j = i + 1; j < k; j++) set(i, j, correlate('kendall', complete[i] ?? [], complete[j] ?? [], options));
    } else {
      const cols = method === 'spearman' ? complete.map((c) => ranks(c)) : complete;
      const r = pearsonMatrixComplete(cols);
      for (let i = 0; i < k; i++)
        for (let j = i + 1; j < k; j++) {
          const rij = r[i]?.[j] ?? Number.NaN;
          const pvalue = withP ? correlationPValue(rij, n, options.alternative) : Number.NaN;
          set(i, j, { r: rij, pvalue, n });
        }
    }
    for (let i = 0; i < k; i++) {
      const nr = nobs[i];
      if (nr) nr[i] = n;
    }
  } else {
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const [x, y] = pairwiseComplete(series[i] ?? [], series[j] ?? []);
        set(i, j, pairCorrelation(method, x, y, options));
      }
      const nr = nobs[i];
      if (nr) nr[i] = pairwiseComplete(series[i] ?? [], series[i] ?? [])[0].length;
    }
  }
  return { method, missing, matrix, pvalues: withP ? pvalues : null, nobs };
}

export interface Summary {
  readonly mean: number[];
  readonly stdDdof1: number[];
  readonly covarianceDdof1: number[][];
}

/** Means, sample standard deviations and the sample covariance matrix (ddof 1) of complete series. */
export function summary(series: readonly ArrayLike<number>[]): Summary {
  const k = series.length;
  const n = series[0]?.length ?? 0;
  requireLength('covariance', n, 2);
  const means = series.map((s) => mean(s));
  const cov = square(k, 0);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const x = series[i] ?? [];
      const y = series[j] ?? [];
      const mx = means[i] ?? 0;
      const my = means[j] ?? 0;
      let s = 0;
      for (let t = 0; t < n; t++) s += ((x[t] ?? 0) - mx) * ((y[t] ?? 0) - my);
      const v = s / (n - 1);
      const ri = cov[i];
      const rj = cov[j];
      if (ri) ri[j] = v;
      if (rj) rj[i] = v;
    }
  }
  return { mean: means, stdDdof1: cov.map((row, i) => Math.sqrt(row[i] ?? 0)), covarianceDdof1: cov };
}

/**
 * Refuses a series that does not vary on its finite points: every correlation with it is 0/0 (undefined), which
 * a caller should hear as a reason, not receive as a matrix of NaN.
 */
export function requireVariation(series: readonly ArrayLike<number>[], names: readonly string[]): void {
  series.forEach((s, i) => {
    let first = Number.NaN;
    for (let t = 0; t < s.length; t++) {
      const v = s[t] ?? Number.NaN;
      if (!Number.isFinite(v)) continue;
      if (Number.isNaN(first)) first = v;
      else if (v !== first) return;
    }
    throw new AnalyticsInputError(
      `${names[i] ?? `series ${String(i + 1)}`} is constant (or has no finite value): its correlations are undefined`,
    );
  });
}
