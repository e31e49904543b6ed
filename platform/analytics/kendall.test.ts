/**
 * Kendall's tau variants and p-values against values derived independently: the exact null distribution by
 * enumerating every permutation, tau-c from its definition, the one-sided p-values from the two-sided one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kendallExactPValue, kendallTau } from './kendall.ts';
import { normalSf } from './distributions.ts';

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

/** Concordant pairs of the identity against `p`: pairs i < j with p[i] < p[j]. */
function concordant(p: readonly number[]): number {
  let c = 0;
  for (let i = 0; i < p.length; i++) for (let j = i + 1; j < p.length; j++) if ((p[i] ?? 0) < (p[j] ?? 0)) c++;
  return c;
}

describe('Kendall exact p-value', () => {
  for (const n of [4, 6, 7]) {
    it(`equals the permutation distribution for n = ${n}`, () => {
      const all = permutations(n).map(concordant);
      const total = (n * (n - 1)) / 2;
      for (let c = 0; c <= total; c++) {
        const atMost = all.filter((v) => v <= c).length / all.length;
        const atLeast = all.filter((v) => v >= c).length / all.length;
        const twoSided = Math.min(1, 2 * Math.min(atMost, atLeast));
        const close = (a: number, b: number, what: string): void => {
          assert.ok(Math.abs(a - b) < 1e-12, `n=${n} c=${c} ${what}: ${a} vs ${b}`);
        };
        close(kendallExactPValue(n, c), twoSided, 'two-sided');
        close(kendallExactPValue(n, c, 'greater'), atLeast, 'greater');
        close(kendallExactPValue(n, c, 'less'), atMost, 'less');
      }
    });
  }

  it('the scaled recursion (n >= 171) agrees with the normal approximation far out in n', () => {
    const n = 400;
    const total = (n * (n - 1)) / 2;
    const c = Math.round(total / 2 + 1.5 * Math.sqrt((n * (n - 1) * (2 * n + 5)) / 72));
    const z = (2 * c - total) / Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18);
    const exact = kendallExactPValue(n, c);
    assert.ok(Math.abs(exact - 2 * normalSf(z)) < 2e-3, `${exact} vs ${2 * normalSf(z)}`);
  });
});

describe('kendallTau options', () => {
  const x = [3.1, 1.2, 4.4, 1.5, 5.9, 2.6, 5.3, 8.7, 9.2, 7.8];
  const y = [2.7, 1.8, 2.8, 1.9, 4.5, 0.9, 3.3, 8.1, 6.2, 7.4];

  it("'auto' takes the exact p-value for untied n <= 33 and the asymptotic one with ties", () => {
    const auto = kendallTau(x, y);
    assert.equal(auto.method, 'exact');
    assert.equal(auto.pvalue, kendallTau(x, y, { method: 'exact' }).pvalue);
    assert.notEqual(auto.pvalue, kendallTau(x, y, { method: 'asymptotic' }).pvalue);
    const tied = [...x.slice(0, 9), x[0] ?? 0];
    assert.equal(kendallTau(tied, y).method, 'asymptotic');
    assert.throws(() => kendallTau(tied, y, { method: 'exact' }), /ties/);
  });

  it('tau-c = 2 (C - D) / (n^2 (m - 1) / m) with m the fewer distinct values; p-values do not depend on it', () => {
    const a = [1, 1, 2, 2, 3, 3, 1, 2];
    const b = [1, 2, 2, 3, 3, 3, 2, 1];
    let s = 0;
    for (let i = 0; i < a.length; i++)
      for (let j = i + 1; j < a.length; j++)
        s += Math.sign((a[j] ?? 0) - (a[i] ?? 0)) * Math.sign((b[j] ?? 0) - (b[i] ?? 0));
    const c = kendallTau(a, b, { variant: 'c' });
    assert.ok(Math.abs(c.r - (2 * s) / ((64 * 2) / 3)) < 1e-15, `${c.r}`);
    assert.equal(c.pvalue, kendallTau(a, b, { variant: 'b' }).pvalue);
  });

  it('one-sided asymptotic p-values are half the two-sided one on the side of tau, 1 - half on the other', () => {
    const tied = [...x.slice(0, 9), x[0] ?? 0];
    const two = kendallTau(tied, y, { method: 'asymptotic' });
    assert.ok(two.r > 0);
    assert.ok(Math.abs(kendallTau(tied, y, { alternative: 'greater' }).pvalue - two.pvalue / 2) < 1e-15);
    assert.ok(Math.abs(kendallTau(tied, y, { alternative: 'less' }).pvalue - (1 - two.pvalue / 2)) < 1e-15);
  });

  it('a constant series has no tau (NaN, as scipy)', () => {
    assert.ok(Number.isNaN(kendallTau([1, 1, 1, 1], [1, 2, 3, 4]).r));
  });
});
