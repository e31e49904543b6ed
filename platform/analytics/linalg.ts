/** Thin helpers over ml-matrix: factorisations that report singularity as a named error. */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { SingularMatrixError } from './errors.ts';

export function toMatrix(rows: readonly (readonly number[])[]): Matrix {
  return new Matrix(rows.map((r) => [...r]));
}

/** Cholesky factorisation of a symmetric positive-definite matrix, or SingularMatrixError naming `what`. */
export function cholesky(a: Matrix, what: string): CholeskyDecomposition {
  // Products such as B A^-1 B' are symmetric only up to rounding, which ml-matrix rejects: symmetrise first.
  const chol = new CholeskyDecomposition(a.add(a.transpose()).div(2));
  if (!chol.isPositiveDefinite())
    throw new SingularMatrixError(`${what} is singular or not positive definite (collinear or constant series?)`);
  const l = chol.lowerTriangularMatrix;
  // ml-matrix accepts numerically singular matrices whose pivots are tiny but positive: reject those too.
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < l.rows; i++) {
    const d = Math.abs(l.get(i, i));
    min = Math.min(min, d);
    max = Math.max(max, d);
  }
  if (!(min > max * 1e-7))
    throw new SingularMatrixError(`${what} is numerically singular (collinear or constant series?)`);
  return chol;
}

/** Inverse of a symmetric positive-definite matrix through its Cholesky factor. */
export function inverseSpd(a: Matrix, what: string): Matrix {
  return cholesky(a, what).solve(Matrix.eye(a.rows));
}

export function toRows(m: Matrix): number[][] {
  return m.to2DArray();
}
