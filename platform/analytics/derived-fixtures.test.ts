/**
 * Derived fixtures: the fixture harness run on other symbols, date windows and parameters of the shared data
 * (what an unseen reference file would ask), each answer checked by an independent identity instead of a
 * statsmodels value: VAR and Granger against plain OLS, VAR causality for two series against the pairwise
 * Granger F, rolling and EWM against brute force per slice, Kendall tau-b by counting pairs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pearsonR } from './correlation.ts';
import { chi2Isf, fIsf, normalIsf, normalSf } from './distributions.ts';
import { computeFixture, parseFixtureFile } from './fixture-file.ts';
import { ols } from './ols.ts';

const base = JSON.parse(readFileSync(new URL('./fixtures/correlation.json', import.meta.url), 'utf8')) as {
  inputs: { log_returns: Record<string, number[]> };
};
const returns = base.inputs.log_returns;
const series = (s: string, from: number, to: number): number[] => {
  const r = returns[s];
  assert.ok(r, `no ${s}`);
  return r.slice(from, to);
};

type Out = Record<string, unknown>;
const compute = (file: unknown): Out => computeFixture(parseFixtureFile(JSON.stringify(file)));

function near(actual: unknown, expected: number, tol: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what}: ${JSON.stringify(actual)}`);
  const a = actual as number;
  assert.ok(Math.abs(a - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${a} vs ${expected}`);
}

/** Columns x[t - l] for t = start..n-1, l = 1..lags, of each series in turn (lag-major like statsmodels). */
function lagged(cols: readonly number[][], lags: number, start: number): number[][] {
  const n = cols[0]?.length ?? 0;
  const out: number[][] = [];
  for (let l = 1; l <= lags; l++)
    for (const c of cols) out.push(Array.from({ length: n - start }, (_, i) => c[start + i - l] ?? Number.NaN));
  return out;
}

interface VarOut {
  select_order: { selected_orders: Record<string, number> };
  fit: { lag_order: number; nobs: number; df_resid: number; params: number[][]; sigma_u: number[][] };
  forecast: { point: number[][]; lower: number[][]; upper: number[][]; interval_alpha: number };
  irf: { irfs: number[][][] };
  test_causality: { kind: string; test_statistic: number; crit_value: number; df: unknown; conclusion: string }[];
}

function varFile(symbols: string[], from: number, to: number, params: Record<string, unknown>): unknown {
  const cols = symbols.map((s) => series(s, from, to));
  return {
    fixture: 'var',
    inputs: { symbols, data: (cols[0] ?? []).map((_, t) => cols.map((c) => c[t] ?? Number.NaN)) },
    params: { forecast_steps: 4, irf_periods: 3, ...params },
  };
}

describe('derived VAR fixtures', () => {
  const symbols = ['SPY', 'JPM', 'XOM', 'WMT'];
  const [from, to] = [300, 700];
  const cols = symbols.map((s) => series(s, from, to));

  for (const p of [0, 1, 3]) {
    it(`VAR(${p}) on ${symbols.join('/')} rows ${from}..${to}: each equation equals OLS`, () => {
      const out = compute(varFile(symbols, from, to, { maxlags: 3, lag_order: p })) as unknown as VarOut;
      assert.equal(out.fit.lag_order, p);
      assert.equal(out.fit.nobs, to - from - p);
      const reference = ols(
        lagged(cols, p, p),
        cols.map((c) => c.slice(p)),
      );
      symbols.forEach((_, eq) => {
        near(out.fit.params[0]?.[eq], reference.intercepts[eq] ?? Number.NaN, 1e-9, `const ${eq}`);
        reference.slopes[eq]?.forEach((b, r) => {
          near(out.fit.params[r + 1]?.[eq], b, 1e-9, `param ${r + 1}, eq ${eq}`);
        });
        near(out.fit.sigma_u[eq]?.[eq], (reference.ssr[eq] ?? 0) / out.fit.df_resid, 1e-9, `sigma_u ${eq}`);
      });
      assert.equal(out.irf.irfs.length, 4);
    });
  }

  it('fits at the order the named criterion chose, with the prose fallback only when it chose 0', () => {
    for (const ic of ['aic', 'bic', 'hqic', 'fpe']) {
      const out = compute(
        varFile(symbols, from, to, { maxlags: 4, lag_order: `${ic.toUpperCase()} choice; 1 if ${ic} chose 0` }),
      ) as unknown as VarOut;
      const chosen = out.select_order.selected_orders[ic] ?? -1;
      assert.equal(out.fit.lag_order, chosen === 0 ? 1 : chosen, ic);
    }
  });

  it('the forecast interval uses the file alpha; causality tests use their kind and signif', () => {
    const out = compute(
      varFile(symbols, from, to, {
        maxlags: 2,
        lag_order: 2,
        forecast_alpha: 0.1,
        causality: [{ caused: 'SPY', causing: ['JPM', 'XOM'], kind: 'f', signif: 0.01 }],
      }),
    ) as unknown as VarOut;
    const z = normalIsf(0.05);
    out.forecast.point[0]?.forEach((pt, i) => {
      // One step ahead the forecast error covariance is sigma_u itself.
      near(out.forecast.upper[0]?.[i], pt + z * Math.sqrt(out.fit.sigma_u[i]?.[i] ?? 0), 1e-9, `upper ${i}`);
    });
    assert.equal(out.test_causality.length, 1);
    const [test] = out.test_causality;
    assert.ok(test);
    assert.deepEqual(test.df, [4, 4 * out.fit.df_resid]);
    near(test.crit_value, fIsf(0.01, 4, 4 * out.fit.df_resid), 1e-9, 'crit');
    assert.equal(test.conclusion, test.test_statistic > test.crit_value ? 'reject' : 'fail to reject');
  });
});

describe('derived Granger fixtures', () => {
  const [from, to, maxlag] = [100, 500, 7];
  const effect = series('BAC', from, to);
  const cause = series('JPM', from, to);
  const out = compute({
    fixture: 'granger',
    inputs: { series: { BAC: effect, JPM: cause } },
    params: { maxlag, pairs: [{ cause: 'JPM', effect: 'BAC' }] },
  }) as { pairs: { maxlag: number; lags: { lag: number; nobs: number; ssr_ftest: Record<string, number> }[] }[] };

  it(`ssr F at lags 1..${maxlag} equals the restricted/unrestricted OLS F`, () => {
    const pair = out.pairs[0];
    assert.ok(pair);
    assert.equal(pair.maxlag, maxlag);
    assert.equal(pair.lags.length, maxlag);
    for (const lag of pair.lags) {
      const L = lag.lag;
      const y = [effect.slice(L)];
      const r = ols(lagged([effect], L, L), y).ssr[0] ?? 0;
      const u = ols(lagged([effect, cause], L, L), y).ssr[0] ?? 0;
      const dfDenom = to - from - L - 2 * L - 1;
      assert.equal(lag.nobs, to - from - L);
      assert.equal(lag.ssr_ftest.df_denom, dfDenom);
      near(lag.ssr_ftest.F, (r - u) / L / (u / dfDenom), 1e-8, `F at lag ${L}`);
    }
  });

  it('VAR test_causality for two series equals the pairwise Granger F and chi2 at the same lag', () => {
    for (const p of [1, 4, maxlag]) {
      const lag = out.pairs[0]?.lags[p - 1];
      const v = compute({
        fixture: 'var',
        inputs: { symbols: ['BAC', 'JPM'], data: effect.map((e, t) => [e, cause[t] ?? Number.NaN]) },
        params: {
          maxlags: maxlag,
          lag_order: p,
          forecast_steps: 1,
          irf_periods: 1,
          causality: [{ caused: 'BAC', causing: ['JPM'] }],
        },
      }) as unknown as VarOut;
      const [f, wald] = v.test_causality;
      // Same sample (p..n-1) and the same s^2 = ssr/(nobs - 2p - 1): the Wald F is the Granger params F.
      near(f?.test_statistic, lag?.ssr_ftest.F ?? Number.NaN, 1e-8, `F at ${p}`);
      near(wald?.test_statistic, p * (lag?.ssr_ftest.F ?? Number.NaN), 1e-8, `Wald at ${p}`);
      near(wald?.crit_value, chi2Isf(0.05, p), 1e-9, `chi2 crit at ${p}`);
    }
  });
});

describe('derived rolling and EWM fixtures', () => {
  const n = 240;
  const x: (number | null)[] = series('MSFT', 500, 500 + n);
  const y: (number | null)[] = series('GOOGL', 500, 500 + n);
  // Missing points, singly and in a run longer than min_periods allows to bridge.
  for (const t of [3, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 90, 150]) x[t] = null;
  for (const t of [7, 91, 200]) y[t] = null;
  const [window, minPeriods, span, ewmMin] = [20, 12, 15, 6];
  const out = compute({
    fixture: 'rolling_correlation',
    inputs: { x, y },
    params: { window, ewm_span: span, min_periods: minPeriods, ewm_min_periods: ewmMin },
  }) as { rolling_pearson: { values: (number | null)[] }; ewm_pearson: { values: (number | null)[] } };
  const complete = (i: number): boolean => x[i] !== null && y[i] !== null;

  it(`rolling(${window}, min_periods=${minPeriods}) equals Pearson on the complete pairs of each slice`, () => {
    let values = 0;
    for (let t = 0; t < n; t++) {
      const idx = Array.from({ length: Math.min(window, t + 1) }, (_, i) => t - i).filter(complete);
      const got = out.rolling_pearson.values[t];
      if (idx.length < minPeriods) {
        assert.equal(got, null, `t=${t}`);
        continue;
      }
      const r = pearsonR(
        idx.map((i) => x[i] ?? 0),
        idx.map((i) => y[i] ?? 0),
      );
      near(got, r, 1e-10, `t=${t}`);
      values++;
    }
    assert.ok(values > n / 2 && values < n - window, `${values} values`);
  });

  it('settings stated only next to the answers (as a reference file does) are the ones used', () => {
    const declared = compute({
      fixture: 'rolling_correlation',
      inputs: { x, y },
      params: { ewm_span: 9 },
      outputs: {
        rolling_pearson: { window, min_periods: minPeriods },
        ewm_pearson: { span, min_periods: ewmMin },
      },
    });
    // An explicit param wins (span 9); the rest comes from the outputs.
    const explicit = compute({
      fixture: 'rolling_correlation',
      inputs: { x, y },
      params: { window, ewm_span: 9, min_periods: minPeriods, ewm_min_periods: ewmMin },
    });
    assert.deepEqual(declared, explicit);
  });

  it(`ewm(span=${span}, min_periods=${ewmMin}) equals the adjust=True weighted formula`, () => {
    const alpha = 2 / (span + 1);
    for (let t = 0; t < n; t++) {
      const idx = Array.from({ length: t + 1 }, (_, i) => i).filter(complete);
      const got = out.ewm_pearson.values[t];
      if (idx.length < ewmMin) {
        assert.equal(got, null, `t=${t}`);
        continue;
      }
      const w = idx.map((i) => (1 - alpha) ** (t - i));
      const sw = w.reduce((a, b) => a + b, 0);
      const m = (v: (number | null)[]): number => idx.reduce((s, i, j) => s + (w[j] ?? 0) * (v[i] ?? 0), 0) / sw;
      const [mx, my] = [m(x), m(y)];
      const c = (a: (number | null)[], ma: number, b: (number | null)[], mb: number): number =>
        idx.reduce((s, i, j) => s + (w[j] ?? 0) * ((a[i] ?? 0) - ma) * ((b[i] ?? 0) - mb), 0);
      near(got, c(x, mx, y, my) / Math.sqrt(c(x, mx, x, mx) * c(y, my, y, my)), 1e-10, `t=${t}`);
    }
  });
});

describe('derived correlation fixtures', () => {
  it('Kendall tau-b and its tie-corrected asymptotic p-value for another pair, with many ties', () => {
    // Rounded returns: hundreds of tied values in both series.
    const round = (v: number): number => Math.round(v * 400) / 400;
    const [from, to] = [0, 400];
    const a = series('BAC', from, to).map(round);
    const b = series('XOM', from, to).map(round);
    const out = compute({
      fixture: 'correlation',
      inputs: { symbols: ['XOM', 'BAC', 'JNJ'], log_returns: { BAC: a, XOM: b, JNJ: series('JNJ', from, to) } },
      params: { kendall_pair: ['BAC', 'XOM'] },
    }) as { kendall_pair: { x: string; y: string; tau: number; pvalue: number } };
    assert.deepEqual([out.kendall_pair.x, out.kendall_pair.y], ['BAC', 'XOM']);
    const n = a.length;
    let s = 0;
    let tiesA = 0;
    let tiesB = 0;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const da = Math.sign((a[i] ?? 0) - (a[j] ?? 0));
        const db = Math.sign((b[i] ?? 0) - (b[j] ?? 0));
        s += da * db;
        if (da === 0) tiesA++;
        if (db === 0) tiesB++;
      }
    const n0 = (n * (n - 1)) / 2;
    assert.ok(tiesA > 100 && tiesB > 100, 'the data have ties');
    near(out.kendall_pair.tau, s / Math.sqrt((n0 - tiesA) * (n0 - tiesB)), 1e-12, 'tau-b');
    const groups = (v: number[]): number[] => {
      const counts = new Map<number, number>();
      for (const e of v) counts.set(e, (counts.get(e) ?? 0) + 1);
      return [...counts.values()];
    };
    const sum = (v: number[], f: (t: number) => number): number => v.reduce((acc, t) => acc + f(t), 0);
    const [ga, gb] = [groups(a), groups(b)];
    const v0 = n * (n - 1) * (2 * n + 5);
    const vt = sum(ga, (t) => t * (t - 1) * (2 * t + 5));
    const vu = sum(gb, (t) => t * (t - 1) * (2 * t + 5));
    const v1 = sum(ga, (t) => t * (t - 1)) * sum(gb, (t) => t * (t - 1));
    const v2 = sum(ga, (t) => t * (t - 1) * (t - 2)) * sum(gb, (t) => t * (t - 1) * (t - 2));
    const variance = (v0 - vt - vu) / 18 + v1 / (2 * n * (n - 1)) + v2 / (9 * n * (n - 1) * (n - 2));
    near(out.kendall_pair.pvalue, 2 * normalSf(Math.abs(s) / Math.sqrt(variance)), 1e-9, 'p-value');
  });

  it('partial correlation subsets declared in the outputs equal residual correlations', () => {
    const symbols = ['SPY', 'JPM', 'BAC', 'WMT'];
    const log = Object.fromEntries(symbols.map((s) => [s, series(s, 600, 1000)]));
    const out = compute({
      fixture: 'partial_correlation',
      inputs: { symbols, log_returns: log },
      outputs: { trio: { symbols: ['JPM', 'BAC', 'SPY'] } },
    }) as Record<string, { symbols: string[]; matrix: number[][] }>;
    assert.deepEqual(Object.keys(out), ['trio']);
    const resid = (i: string, rest: string[]): Float64Array =>
      ols(
        rest.map((s) => log[s] ?? []),
        [log[i] ?? []],
      ).resid[0] ?? new Float64Array();
    near(out.trio?.matrix[0]?.[1], pearsonR(resid('JPM', ['SPY']), resid('BAC', ['SPY'])), 1e-10, 'JPM-BAC | SPY');
  });
});
