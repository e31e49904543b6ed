/**
 * A correlation file with missing=pairwise against pandas' documented semantics, derived by brute force: each
 * pair on the rows where both series are finite (Pearson, Spearman on that subset's average ranks, Kendall
 * tau-b by counting), covariance ddof 1 on those rows, mean and sd on each series' own finite values, and an
 * entry null when its pair has fewer than min_periods complete rows; min_periods without pairwise is refused.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FixtureFileError } from './errors.ts';
import { computeFixture, parseFixtureFile } from './fixture-file.ts';

const base = JSON.parse(readFileSync(new URL('./fixtures/correlation.json', import.meta.url), 'utf8')) as {
  inputs: { log_returns: Record<string, number[]> };
};
type Out = Record<string, unknown>;
const compute = (file: unknown): Out => computeFixture(parseFixtureFile(JSON.stringify(file)));

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const cov = (x: number[], y: number[]): number => {
  const [mx, my] = [mean(x), mean(y)];
  return x.reduce((s, xi, i) => s + (xi - mx) * ((y[i] ?? 0) - my), 0) / (x.length - 1);
};
const pearson = (x: number[], y: number[]): number => cov(x, y) / Math.sqrt(cov(x, x) * cov(y, y));
const avgRank = (v: number[]): number[] =>
  v.map((a) => v.filter((b) => b < a).length + (v.filter((b) => b === a).length + 1) / 2);
function tauB(x: number[], y: number[]): number {
  let [c, d, tx, ty] = [0, 0, 0, 0];
  for (let i = 0; i < x.length; i++)
    for (let j = i + 1; j < x.length; j++) {
      const s = Math.sign((x[i] ?? 0) - (x[j] ?? 0)) * Math.sign((y[i] ?? 0) - (y[j] ?? 0));
      if (s > 0) c++;
      else if (s < 0) d++;
      else if (x[i] === x[j] && y[i] !== y[j]) tx++;
      else if (y[i] === y[j] && x[i] !== x[j]) ty++;
    }
  return (c - d) / Math.sqrt((c + d + tx) * (c + d + ty));
}

function near(actual: unknown, expected: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what}: ${String(actual)}`);
  assert.ok(Math.abs((actual as number) - expected) <= 1e-10 * Math.max(1, Math.abs(expected)), what);
}

describe('correlation files with missing=pairwise (pandas DataFrame.corr/cov)', () => {
  const symbols = ['JPM', 'BAC', 'XOM', 'WMT'];
  const n = 90;
  // Rounded returns so that Spearman and Kendall meet ties; gaps in different rows per series; WMT and BAC
  // overlap on few rows.
  const data = symbols.map((s) =>
    (base.inputs.log_returns[s] ?? []).slice(200, 200 + n).map((v) => Math.round(v * 400) / 400),
  );
  const gaps: (number | null)[][] = data.map((col, c) =>
    col.map((v, t) => ((t * (c + 3)) % 11 === 0 ? null : c === 3 && t > 9 ? null : v)),
  );
  const pairRows = (i: number, j: number): [number[], number[]] => {
    const rows = gaps[i]?.flatMap((v, t) => (v !== null && gaps[j]?.[t] != null ? [t] : [])) ?? [];
    return [rows.map((t) => gaps[i]?.[t] ?? 0), rows.map((t) => gaps[j]?.[t] ?? 0)];
  };
  const minPeriods = 10;
  const out = compute({
    fixture: 'correlation',
    inputs: { symbols, log_returns: Object.fromEntries(symbols.map((s, i) => [s, gaps[i]])) },
    params: { missing: 'pairwise', min_periods: minPeriods },
  });

  it('each pair on its complete rows, null below min_periods, nobs per pair', () => {
    const nobs = out.nobs as number[][];
    let undefinedPairs = 0;
    for (let i = 0; i < symbols.length; i++)
      for (let j = 0; j < symbols.length; j++) {
        const [x, y] = pairRows(i, j);
        assert.equal(nobs[i]?.[j], x.length, `nobs ${String(i)},${String(j)}`);
        const blocks = ['pearson', 'spearman', 'kendall_matrix'] as const;
        const expected = [pearson(x, y), pearson(avgRank(x), avgRank(y)), tauB(x, y)];
        blocks.forEach((block, b) => {
          const got = ((out[block] as { matrix: number[][] }).matrix[i] ?? [])[j];
          const what = `${block} ${symbols[i] ?? ''}-${symbols[j] ?? ''}`;
          if (x.length < minPeriods) assert.ok(Number.isNaN(got), what);
          else near(got, i === j ? 1 : (expected[b] ?? 0), what);
        });
        const c = (out.summary as { covariance_ddof1: number[][] }).covariance_ddof1[i]?.[j];
        if (x.length < minPeriods) {
          assert.ok(Number.isNaN(c));
          undefinedPairs++;
        } else near(c, cov(x, y), `cov ${String(i)},${String(j)}`);
      }
    assert.ok(undefinedPairs >= 2, 'the sparse series has pairs under min_periods');
    const summary = out.summary as { mean: number[]; std_ddof1: number[] };
    gaps.forEach((col, i) => {
      const v = col.filter((x): x is number => x !== null);
      near(summary.mean[i], mean(v), `mean ${String(i)}`);
      near(summary.std_ddof1[i], Math.sqrt(cov(v, v)), `sd ${String(i)}`);
    });
    const [kx, ky] = pairRows(0, 1);
    near((out.kendall_pair as { tau: number }).tau, tauB(kx, ky), 'Kendall pair on its complete rows');
    assert.equal(out.n, undefined);
  });

  it('two complete rows give +-1 without a p-value (pandas), fewer none', () => {
    const two = compute({
      fixture: 'correlation',
      inputs: { symbols: ['A', 'B', 'C'], log_returns: { A: [1, 2, 3, 4], B: [null, 5, 3, 1], C: [2, null, null, 1] } },
      params: { missing: 'pairwise', kendall_pair: ['A', 'B'] },
    });
    const p = two.pearson as { matrix: number[][]; pvalues: number[][] };
    assert.equal(p.matrix[0]?.[2], -1);
    assert.ok(Number.isNaN(p.pvalues[0]?.[2]));
    const kendall = (two.kendall_matrix as { matrix: number[][] }).matrix;
    assert.equal(kendall[0]?.[2], -1);
    assert.ok(Number.isNaN(kendall[1]?.[2]), 'one complete row: undefined');
    assert.equal(p.matrix[1]?.[0], -1, 'A-B: three rows');
  });

  it('refuses min_periods with listwise data, by name', () => {
    const file = {
      fixture: 'correlation',
      inputs: { symbols: ['A', 'B'], log_returns: { A: [1, 2, 3], B: [3, 1, 2] } },
    };
    assert.throws(
      () => compute({ ...file, params: { min_periods: 2 } }),
      (e: unknown) => {
        assert.ok(e instanceof FixtureFileError);
        assert.match(e.message, /min_periods.*pairwise/);
        return true;
      },
    );
  });
});
