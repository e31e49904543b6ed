/**
 * Options a reference file of another configuration could use, each checked by an independent derivation:
 * rolling center against brute force per slice, EWM adjust=False / ignore_na / com / halflife against the
 * explicit weights pandas documents, Granger lag lists against the full run, statsmodels' smallest sample;
 * and the settings not supported here refused by name, over the CLI path and over HTTP.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pearsonR } from './correlation.ts';
import { FixtureFileError } from './errors.ts';
import { computeFixture, parseFixtureFile } from './fixture-file.ts';
import { grangerCausality } from './granger.ts';

const base = JSON.parse(readFileSync(new URL('./fixtures/correlation.json', import.meta.url), 'utf8')) as {
  inputs: { log_returns: Record<string, number[]> };
};
const returns = (s: string, from: number, to: number): number[] => (base.inputs.log_returns[s] ?? []).slice(from, to);
type Out = Record<string, Record<string, unknown>>;
const compute = (file: unknown): Out => computeFixture(parseFixtureFile(JSON.stringify(file))) as Out;
const values = (o: Out, block: string): (number | null)[] => o[block]?.values as (number | null)[];

function near(actual: number | null | undefined, expected: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what}: ${String(actual)}`);
  assert.ok(Math.abs((actual ?? 0) - expected) <= 1e-10, `${what}: ${String(actual)} vs ${expected}`);
}

/** Weighted correlation with the given weights (null weight = left out). */
function weighted(x: readonly (number | null)[], y: readonly (number | null)[], w: readonly number[]): number {
  const sw = w.reduce((a, b) => a + b, 0);
  const m = (v: readonly (number | null)[]): number => w.reduce((s, wi, i) => s + wi * (v[i] ?? 0), 0) / sw;
  const [mx, my] = [m(x), m(y)];
  const c = (a: readonly (number | null)[], ma: number, b: readonly (number | null)[], mb: number): number =>
    w.reduce((s, wi, i) => s + wi * ((a[i] ?? 0) - ma) * ((b[i] ?? 0) - mb), 0);
  return c(x, mx, y, my) / Math.sqrt(c(x, mx, x, mx) * c(y, my, y, my));
}

describe('rolling and EWM options', () => {
  const n = 160;
  const x: (number | null)[] = returns('JPM', 300, 300 + n);
  const y: (number | null)[] = returns('XOM', 300, 300 + n);
  for (const t of [5, 60, 61, 62, 120]) x[t] = null;
  y[90] = null;

  it('center=True (window 21 and 20): values[t] uses t+offset-window+1..t+offset, offset = (window-1)//2', () => {
    for (const window of [21, 20]) {
      const minPeriods = 10;
      const out = compute({
        fixture: 'rolling_correlation',
        inputs: { x, y },
        params: { window, min_periods: minPeriods, ewm_span: 10 },
        outputs: { rolling_pearson: { center: true } },
      });
      assert.equal(out.rolling_pearson?.center, true);
      const offset = Math.floor((window - 1) / 2);
      for (let t = 0; t < n; t++) {
        const idx: number[] = [];
        for (let i = Math.max(0, t + offset - window + 1); i <= Math.min(n - 1, t + offset); i++)
          if (x[i] !== null && y[i] !== null) idx.push(i);
        const got = values(out, 'rolling_pearson')[t];
        if (idx.length < minPeriods) assert.equal(got, null, `t=${t}`);
        else
          near(
            got,
            pearsonR(
              idx.map((i) => x[i] ?? 0),
              idx.map((i) => y[i] ?? 0),
            ),
            `window ${window} t=${t}`,
          );
      }
    }
  });

  it("closed='left'/'both'/'neither', centred or not: pandas' FixedWindowIndexer bounds, brute force per slice", () => {
    const cases = [
      { window: 21, minPeriods: 10 },
      { window: 20, minPeriods: 20 },
      { window: 2, minPeriods: 2 },
    ];
    let compared = 0;
    for (const { window, minPeriods } of cases)
      for (const closed of ['left', 'both', 'neither'] as const)
        for (const center of [false, true]) {
          const out = compute({
            fixture: 'rolling_correlation',
            inputs: { x, y },
            params: { window, min_periods: minPeriods, ewm_span: 10, center },
            outputs: { rolling_pearson: { closed } },
          });
          assert.equal(out.rolling_pearson?.closed, closed);
          const got = values(out, 'rolling_pearson');
          assert.equal(got.length, n);
          // pandas 1.5: end = t+1+offset, start = end-window; left/both start-1; left/neither end-1; clipped.
          const offset = center ? Math.floor((window - 1) / 2) : 0;
          for (let t = 0; t < n; t++) {
            const end = t + 1 + offset - (closed === 'left' || closed === 'neither' ? 1 : 0);
            const start = Math.max(0, t + 1 + offset - window - (closed === 'left' || closed === 'both' ? 1 : 0));
            const idx: number[] = [];
            for (let i = start; i < Math.min(n, end); i++) if (x[i] !== null && y[i] !== null) idx.push(i);
            const what = `window ${window} closed ${closed} center ${String(center)} t=${t}`;
            if (idx.length < Math.max(2, minPeriods)) assert.equal(got[t], null, what);
            else {
              compared++;
              const r = pearsonR(
                idx.map((i) => x[i] ?? 0),
                idx.map((i) => y[i] ?? 0),
              );
              near(got[t], r, what);
            }
          }
        }
    // window 20 with min_periods 20 and closed='neither' holds 19 points: never a value (pandas gives all NaN).
    assert.ok(compared > 1000, `compared ${compared}`);
  });

  it('adjust=False: weights alpha (1-alpha)^age, the oldest (1-alpha)^age, by absolute position', () => {
    const com = 6;
    const alpha = 1 / (1 + com);
    const out = compute({
      fixture: 'rolling_correlation',
      inputs: { x, y },
      params: { window: 30 },
      outputs: { ewm_pearson: { com, adjust: false, min_periods: 5 } },
    });
    assert.equal(out.ewm_pearson?.alpha, alpha);
    for (let t = 0; t < n; t++) {
      const idx = Array.from({ length: t + 1 }, (_, i) => i).filter((i) => x[i] !== null && y[i] !== null);
      const got = values(out, 'ewm_pearson')[t];
      if (idx.length < 5) {
        assert.equal(got, null);
        continue;
      }
      // pandas docs: [x0, None, x2] has weights (1-alpha)^2 and alpha. Weights by absolute position
      // (ignore_na=False), each new point alpha (the first 1), the total renormalised to 1 after each point.
      let w: number[] = [];
      for (let i = 0; i <= t; i++) {
        w = w.map((v) => v * (1 - alpha));
        if (x[i] === null || y[i] === null) continue;
        w.push(w.length === 0 ? 1 : alpha);
        const total = w.reduce((a, b) => a + b, 0);
        w = w.map((v) => v / total);
      }
      near(
        got,
        weighted(
          idx.map((i) => x[i] ?? null),
          idx.map((i) => y[i] ?? null),
          w,
        ),
        `t=${t}`,
      );
    }
  });

  it('ignore_na=True equals the same EWM on the series with the missing pairs removed (halflife 8)', () => {
    const keep = Array.from({ length: n }, (_, i) => i).filter((i) => x[i] !== null && y[i] !== null);
    const file = (xs: (number | null)[], ys: (number | null)[], ignore: boolean): Out =>
      compute({
        fixture: 'rolling_correlation',
        inputs: { x: xs, y: ys },
        params: { window: 30, ewm_halflife: 8, ewm_ignore_na: ignore, ewm_min_periods: 3 },
      });
    const ignored = values(
      file(
        keep.map((i) => x[i] ?? null),
        keep.map((i) => y[i] ?? null),
        false,
      ),
      'ewm_pearson',
    );
    const full = values(file(x, y, true), 'ewm_pearson');
    keep.forEach((i, j) => {
      if (ignored[j] === null) assert.equal(full[i], null);
      else near(full[i], ignored[j] ?? 0, `t=${i}`);
    });
    const aged = values(file(x, y, false), 'ewm_pearson');
    assert.notEqual(aged[keep[keep.length - 1] ?? 0], full[keep[keep.length - 1] ?? 0], 'ignore_na changes the answer');
  });
});

describe('degenerate windows', () => {
  it('a window (or an EWM history) whose values are all equal has no correlation, as pandas (var exactly 0)', () => {
    const n = 120;
    const y = returns('SPY', 0, n);
    // x constant at the start (EWM history) and from 40 to 79 (rolling windows inside the stretch).
    const x = returns('AAPL', 0, n).map((v, t) => (t < 10 || (t >= 40 && t < 80) ? 0.0123 : v));
    const out = compute({
      fixture: 'rolling_correlation',
      inputs: { x, y },
      params: { window: 15, ewm_span: 5, ewm_min_periods: 2 },
    });
    const roll = values(out, 'rolling_pearson');
    for (let t = 14; t < n; t++) {
      const inside = t - 14 >= 40 && t < 80;
      assert.equal(roll[t] === null, inside, `rolling t=${t}: ${String(roll[t])}`);
    }
    const ewm = values(out, 'ewm_pearson');
    for (let t = 0; t < 10; t++) assert.equal(ewm[t], null, `ewm t=${t}`);
    assert.notEqual(ewm[10], null);
  });
});

describe('Granger options', () => {
  const series = { A: returns('AMZN', 0, 300), G: returns('GOOGL', 0, 300) };
  const run = (maxlag: unknown, s: Record<string, number[]> = series): { lag: number; ssr_ftest: { F: number } }[] =>
    (
      compute({ fixture: 'granger', inputs: { series: s }, params: { maxlag, pairs: [{ cause: 'G', effect: 'A' }] } })
        .pairs as unknown as { lags: { lag: number; ssr_ftest: { F: number } }[] }[]
    )[0]?.lags ?? [];

  it('maxlag as a list tests only the listed lags, each as in the full run', () => {
    const full = run(6);
    const listed = run([2, 5]);
    assert.deepEqual(
      listed.map((l) => l.lag),
      [2, 5],
    );
    for (const l of listed) near(l.ssr_ftest.F, full[l.lag - 1]?.ssr_ftest.F ?? Number.NaN, `lag ${l.lag}`);
  });

  it('the smallest samples statsmodels accepts: Granger n = 3 maxlag + 2, with the pair VAR selection 1 more', () => {
    const short = (n: number): Record<string, number[]> => ({ A: series.A.slice(0, n), G: series.G.slice(0, n) });
    assert.equal(grangerCausality(short(14).A ?? [], short(14).G ?? [], 4).lags.length, 4);
    assert.throws(() => grangerCausality(short(13).A ?? [], short(13).G ?? [], 4), /needs at least 14 points/);
    // The pair's VAR(4) selection needs df_resid >= 2 (a nonsingular residual covariance): n = 15.
    assert.equal(run(4, short(15)).length, 4);
    assert.throws(() => run(4, short(14)), /needs at least 15 points/);
  });
});

describe('VAR order stated in prose', () => {
  it('a lag_order text that names one number and no criterion fixes that order', () => {
    const symbols = ['AMZN', 'MSFT'];
    const cols = symbols.map((s) => returns(s, 0, 200));
    const data = (cols[0] ?? []).map((_, t) => cols.map((c) => c[t] ?? 0));
    const fit = (lag_order: string): unknown =>
      compute({
        fixture: 'var',
        inputs: { symbols, data },
        params: { maxlags: 4, lag_order, forecast_steps: 1, irf_periods: 1 },
      }).fit?.lag_order;
    assert.equal(fit('fixed at 3: VAR(...).fit(3)'), 3);
    assert.equal(fit('3'), 3);
    assert.notEqual(fit('BIC choice'), 3);
  });
});

describe('settings not supported are refused by name', () => {
  const rolling = { fixture: 'rolling_correlation', inputs: { x: [1, 2, 3], y: [3, 1, 2] } };
  const cases: [string, unknown, RegExp][] = [
    ['an unknown param', { ...rolling, params: { window: 2, ewm_span: 2, win_type: 'gaussian' } }, /win_type/],
    [
      "rolling closed not one of pandas' four",
      { ...rolling, params: { window: 2, ewm_span: 2, closed: 'middle' } },
      /closed/,
    ],
    [
      'an unknown key in an output block that holds settings',
      { ...rolling, params: { window: 2, ewm_span: 2 }, outputs: { ewm_pearson: { times: [1, 2, 3] } } },
      /ewm_pearson.*times/,
    ],
    ['two EWM decays', { ...rolling, params: { window: 2, ewm_span: 2, ewm_com: 1 } }, /exactly one of ewm_span/],
    [
      'Granger addconst=False (statsmodels 0.13.5 does not implement it)',
      { fixture: 'granger', inputs: { series: {} }, params: { maxlag: 1, addconst: false, pairs: [] } },
      /addconst/,
    ],
    [
      "VAR trend 'cn' (statsmodels knows 'n', 'c', 'ct', 'ctt' and the legacy 'nc')",
      {
        fixture: 'var',
        inputs: { symbols: ['A'], data: [[1]] },
        params: { maxlags: 1, forecast_steps: 1, irf_periods: 1 },
        outputs: { fit: { trend: 'cn' } },
      },
      /trend.*"cn"/,
    ],
    [
      'Kendall variant a',
      {
        fixture: 'correlation',
        inputs: { symbols: ['A', 'B'] },
        outputs: { kendall_pair: { x: 'A', y: 'B', variant: 'a' } },
      },
      /kendall_variant/,
    ],
    [
      'a Kendall variant named only in the conventions text',
      {
        fixture: 'correlation',
        inputs: { symbols: ['A', 'B'] },
        conventions: { kendall: "scipy.stats.kendalltau(x, y, variant='a')" },
      },
      /kendall_variant/,
    ],
  ];
  for (const [what, file, message] of cases)
    it(what, () => {
      assert.throws(
        () => parseFixtureFile(JSON.stringify(file)),
        (e: unknown) => e instanceof FixtureFileError && message.test(e.message),
      );
    });
});
