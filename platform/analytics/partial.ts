/** Partial correlation of every pair given all the other series, from the inverse sample covariance. */
import { Matrix } from 'ml-matrix';
import { summary } from './correlation.ts';
import { AnalyticsInputError, requireLength } from './errors.ts';
import { inverseSpd, toRows } from './linalg.ts';

export interface PartialCorrelation {
  readonly n: number;
  readonly matrix: number[][];
  readonly precisionMatrix: number[][];
}

/**
 * P = inv(cov, ddof 1); pcor_ij = -P_ij / sqrt(P_ii P_jj), diagonal 1. Equals the correlation of the OLS
 * residuals of i and j on a constant and the other series. Series must be complete (listwise) and not collinear.
 */
export function partialCorrelation(series: readonly ArrayLike<number>[]): PartialCorrelation {
  const k = series.length;
  if (k < 2) throw new AnalyticsInputError(`partial correlation: needs at least 2 series, got ${k}`);
  const n = series[0]?.length ?? 0;
  requireLength('partial correlation', n, k + 2);
  const cov = new Matrix(summary(series).covarianceDdof1);
  const precision = inverseSpd(cov, 'the covariance matrix');
  // The solve leaves rounding-level asymmetry; the precision matrix is symmetric by definition.
  const p = toRows(precision.add(precision.transpose()).div(2));
  const matrix = p.map((row, i) =>
    row.map((v, j) => (i === j ? 1 : -v / Math.sqrt((p[i]?.[i] ?? 0) * (p[j]?.[j] ?? 0)))),
  );
  return { n, matrix, precisionMatrix: p };
}
