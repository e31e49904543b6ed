/**
 * pandas' pairwise missing-data handling (`DataFrame.corr`/`cov` with min_periods, `mean`/`std` with skipna):
 * each pair of series on the rows where both are finite, each series alone on its finite rows.
 */
import { mean, pairwiseComplete, summary, type CorrelationMatrix, type Summary } from './correlation.ts';

const finite = (s: ArrayLike<number>): Float64Array => Float64Array.from(s).filter((v) => Number.isFinite(v));

/** Entries resting on fewer than min_periods complete rows become undefined (NaN, null in JSON), as pandas. */
export function withMinPeriods(m: CorrelationMatrix, minPeriods: number): CorrelationMatrix {
  const mask = (rows: number[][]): number[][] =>
    rows.map((row, i) => row.map((v, j) => ((m.nobs[i]?.[j] ?? 0) < minPeriods ? Number.NaN : v)));
  return { ...m, matrix: mask(m.matrix), pvalues: m.pvalues && mask(m.pvalues) };
}

/**
 * Means and sd (ddof 1) of each series' finite values (pandas' skipna; no min_periods there); covariance (ddof 1)
 * of each pair's complete rows, undefined below min_periods or 2 rows (pandas' 0/0).
 */
export function pairwiseSummary(series: readonly ArrayLike<number>[], minPeriods: number): Summary {
  const cov = (x: Float64Array, y: Float64Array): number =>
    x.length < 2 ? Number.NaN : (summary([x, y]).covarianceDdof1[0]?.[1] ?? Number.NaN);
  const covariance = series.map((a, i) =>
    series.map((b, j) => {
      const [x, y] = i === j ? [finite(a), finite(a)] : pairwiseComplete(a, b);
      return x.length < minPeriods ? Number.NaN : cov(x, y);
    }),
  );
  return {
    mean: series.map((s) => mean(finite(s))),
    stdDdof1: series.map((s) => Math.sqrt(cov(finite(s), finite(s)))),
    covarianceDdof1: covariance,
  };
}

/** Values a series repeats, on its finite values. */
export function tiedValues(s: ArrayLike<number>): number {
  const v = finite(s);
  return v.length - new Set(v).size;
}
