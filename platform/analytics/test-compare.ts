/** Comparisons the analytics tests share. */
import assert from 'node:assert/strict';

/** `actual` is null where `expected` is null or undefined (undefined statistic), else within `tol` of it. */
export function nearOrNull(
  actual: number | null | undefined,
  expected: number | null | undefined,
  what: string,
  tol = 1e-10,
): void {
  if (expected === null || expected === undefined) {
    assert.equal(actual, null, what);
    return;
  }
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tol,
    `${what}: ${String(actual)} vs ${String(expected)}`,
  );
}
