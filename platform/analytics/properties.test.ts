/** fast-check invariants of the correlation numerics. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  correlationMatrix,
  pearsonMatrixComplete,
  pearsonR,
  type CorrelationMethod,
  type MissingPolicy,
} from './correlation.ts';
import { grangerCausality } from './granger.ts';
import { ols } from './ols.ts';
import { partialCorrelation } from './partial.ts';
import { EwmaCorrelation, RollingCorrelation, rollingCorrelation } from './rolling.ts';

const value = fc.integer({ min: -500, max: 500 }).map((v) => v / 100);
const runs = { numRuns: 60 };

function variance(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i] ?? 0;
  m /= x.length;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += ((x[i] ?? 0) - m) ** 2;
  return s / x.length;
}

/** k series of n points, each with real spread. */
const panel = (kMin: number, kMax: number, nMin: number, nMax: number) =>
  fc
    .record({ k: fc.integer({ min: kMin, max: kMax }), n: fc.integer({ min: nMin, max: nMax }) })
    .chain(({ k, n }) => fc.array(fc.array(value, { minLength: n, maxLength: n }), { minLength: k, maxLength: k }))
    .filter((cols) => cols.every((c) => variance(c) > 0.05));

function near(a: number, b: number, tol: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

describe('correlation matrix invariants', () => {
  const methods: CorrelationMethod[] = ['pearson', 'spearman', 'kendall'];
  const policies: MissingPolicy[] = ['listwise', 'pairwise'];
  for (const method of methods) {
    for (const missing of policies) {
      it(`${method}/${missing}: symmetric, unit diagonal, within [-1, 1], p-values in [0, 1]`, () => {
        fc.assert(
          fc.property(panel(2, 5, 8, 40), fc.array(fc.nat(39), { maxLength: 4 }), (cols, holes) => {
            // Missing points in the first series exercise both policies.
            const series = cols.map((c, i) => (i === 0 ? c.map((v, t) => (holes.includes(t) ? Number.NaN : v)) : c));
            const result = correlationMatrix(series, method, missing);
            const k = series.length;
            for (let i = 0; i < k; i++) {
              assert.equal(result.matrix[i]?.[i], 1);
              for (let j = 0; j < k; j++) {
                const r = result.matrix[i]?.[j] ?? Number.NaN;
                if (Number.isNaN(r)) continue; // constant after removing missing points
                assert.equal(r, result.matrix[j]?.[i]);
                assert.ok(r >= -1 && r <= 1, `r = ${r}`);
                const p = result.pvalues?.[i]?.[j] ?? 0;
                assert.ok(p >= 0 && p <= 1, `p = ${p}`);
              }
            }
          }),
          runs,
        );
      });
    }
  }

  it('the one-product fast Pearson matrix equals pairwise Pearson', () => {
    fc.assert(
      fc.property(panel(2, 11, 5, 30), (cols) => {
        const m = pearsonMatrixComplete(cols);
        for (let i = 0; i < cols.length; i++)
          for (let j = 0; j < cols.length; j++)
            near(m[i]?.[j] ?? 0, pearsonR(cols[i] ?? [], cols[j] ?? []), 1e-12, `${i},${j}`);
      }),
      runs,
    );
  });
});

describe('streaming correlation', () => {
  it('rolling equals batch Pearson on each window', () => {
    fc.assert(
      fc.property(panel(2, 2, 10, 120), fc.integer({ min: 3, max: 30 }), ([x = [], y = []], window) => {
        const rolling = rollingCorrelation(x, y, window);
        for (let t = 0; t < x.length; t++) {
          const v = rolling[t];
          if (t < window - 1) {
            assert.equal(v, null);
            continue;
          }
          const xs = x.slice(t - window + 1, t + 1);
          const ys = y.slice(t - window + 1, t + 1);
          if (variance(xs) < 1e-6 || variance(ys) < 1e-6) continue; // undefined for a flat window
          near(v ?? Number.NaN, pearsonR(xs, ys), 1e-8, `t=${t}`);
        }
      }),
      runs,
    );
  });

  it('a missing point makes every window containing it null and leaves the others exact', () => {
    fc.assert(
      fc.property(
        panel(2, 2, 20, 80),
        fc.integer({ min: 3, max: 10 }),
        fc.nat(79),
        ([x = [], y = []], window, hole) => {
          const xs = x.map((v, t) => (t === hole ? Number.NaN : v));
          const rolling = rollingCorrelation(xs, y, window);
          for (let t = window - 1; t < xs.length; t++) {
            const covers = hole <= t && hole > t - window;
            if (covers) {
              assert.equal(rolling[t], null, `t=${t}`);
              continue;
            }
            const wx = xs.slice(t - window + 1, t + 1);
            const wy = y.slice(t - window + 1, t + 1);
            if (variance(wx) < 1e-6 || variance(wy) < 1e-6) continue;
            near(rolling[t] ?? Number.NaN, pearsonR(wx, wy), 1e-8, `t=${t}`);
          }
        },
      ),
      runs,
    );
  });

  it('incremental rolling state after many updates equals a fresh recomputation', () => {
    fc.assert(
      fc.property(panel(2, 2, 300, 600), fc.integer({ min: 3, max: 50 }), ([x = [], y = []], window) => {
        const live = new RollingCorrelation(window);
        for (let t = 0; t < x.length; t++) live.push(x[t] ?? 0, y[t] ?? 0);
        const fresh = new RollingCorrelation(window);
        for (let t = x.length - window; t < x.length; t++) fresh.push(x[t] ?? 0, y[t] ?? 0);
        const a = live.value();
        const b = fresh.value();
        if (a === null || b === null) assert.equal(a, b);
        else near(a, b, 1e-9, 'rolling');
      }),
      runs,
    );
  });

  it('incremental EWMA equals the explicit weighted formula over all history', () => {
    fc.assert(
      fc.property(panel(2, 2, 5, 80), fc.double({ min: 0.01, max: 0.9, noNaN: true }), ([x = [], y = []], alpha) => {
        const ewma = new EwmaCorrelation({ alpha, minPeriods: 1 });
        let last: number | null = null;
        for (let t = 0; t < x.length; t++) last = ewma.push(x[t] ?? 0, y[t] ?? 0);
        const n = x.length;
        const w = Array.from({ length: n }, (_, i) => (1 - alpha) ** (n - 1 - i));
        const sw = w.reduce((a, b) => a + b, 0);
        const mx = w.reduce((a, wi, i) => a + wi * (x[i] ?? 0), 0) / sw;
        const my = w.reduce((a, wi, i) => a + wi * (y[i] ?? 0), 0) / sw;
        let sxy = 0;
        let sxx = 0;
        let syy = 0;
        for (let i = 0; i < n; i++) {
          const dx = (x[i] ?? 0) - mx;
          const dy = (y[i] ?? 0) - my;
          sxy += (w[i] ?? 0) * dx * dy;
          sxx += (w[i] ?? 0) * dx * dx;
          syy += (w[i] ?? 0) * dy * dy;
        }
        if (sxx * syy < 1e-12) return;
        near(last ?? Number.NaN, sxy / Math.sqrt(sxx * syy), 1e-9, 'ewma');
      }),
      runs,
    );
  });
});

describe('regression invariants', () => {
  it('partial correlation equals the correlation of residuals on the other series', () => {
    fc.assert(
      fc.property(panel(3, 5, 30, 60), (cols) => {
        let pc;
        try {
          pc = partialCorrelation(cols);
        } catch {
          return; // near-collinear draw
        }
        const others = cols.slice(2);
        const e0 = ols(others, [cols[0] ?? []]).resid[0] ?? [];
        const e1 = ols(others, [cols[1] ?? []]).resid[0] ?? [];
        near(pc.matrix[0]?.[1] ?? 0, pearsonR(e0, e1), 1e-7, 'partial');
        assert.equal(pc.matrix[0]?.[1], pc.matrix[1]?.[0]);
      }),
      { numRuns: 30 },
    );
  });

  it('Granger params F test equals the ssr F test', () => {
    fc.assert(
      fc.property(panel(2, 2, 40, 80), fc.integer({ min: 1, max: 4 }), ([y = [], x = []], lag) => {
        let g;
        try {
          g = grangerCausality(y, x, lag).lags[lag - 1]!;
        } catch {
          return;
        }
        near(g.params_ftest.F, g.ssr_ftest.F, 1e-7, 'F');
        assert.ok(g.ssr_ftest.pvalue >= 0 && g.ssr_ftest.pvalue <= 1);
      }),
      { numRuns: 40 },
    );
  });
});
