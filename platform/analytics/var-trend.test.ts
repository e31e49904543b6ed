/**
 * VAR trends 'n', 'c', 'ct', 'ctt' against least squares built by hand (statsmodels is not installed here):
 * the design [deterministic terms, lags] with statsmodels' t (the observation at index s of the data given has
 * t = s + 1; in select_order the data start maxlags - p points in), solved by ml-matrix's QR; forecasts
 * continued at t = n + h; criteria, df and the causality Wald test from that design.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Matrix, QrDecomposition, determinant, inverse, solve } from 'ml-matrix';
import { fixtureFromJson } from './fixture-file.ts';
import { computeVar, varFile } from './fixture-var.ts';
import { fitVar, forecast, selectOrder, testCausality } from './var.ts';
import type { VarTrend } from './var-trend.ts';

const reference = JSON.parse(readFileSync(new URL('./fixtures/var.json', import.meta.url), 'utf8')) as {
  inputs: { symbols: string[]; data: number[][] };
};
const symbols = reference.inputs.symbols;
const n = 300;
// Real returns plus a drift that grows (linear and quadratic), so the trend coefficients are far from zero.
const rows = reference.inputs.data.slice(0, n).map((r, s) => r.map((v, j) => v + 1e-5 * (j + 1) * s - 2e-8 * s * s));
const columns = symbols.map((_, j) => rows.map((r) => r[j] ?? Number.NaN));
const k = symbols.length;

function terms(trend: VarTrend, t: number): number[] {
  return { n: [], c: [1], ct: [1, t], ctt: [1, t, t * t] }[trend];
}

/** OLS of rows from..n-1 on [terms(t), y_{s-1}, ..., y_{s-p}], t = s - offset + 1. */
function byHand(trend: VarTrend, p: number, from: number, offset: number) {
  const z: number[][] = [];
  const y: number[][] = [];
  for (let s = from; s < n; s++) {
    const lags = Array.from({ length: p }, (_, l) => rows[s - l - 1] ?? []).flat();
    z.push([...terms(trend, s - offset + 1), ...lags]);
    y.push(rows[s] ?? []);
  }
  const zm = new Matrix(z);
  const ym = new Matrix(y);
  const qr = new QrDecomposition(zm);
  const b = qr.solve(ym);
  const resid = ym.sub(zm.mmul(b));
  const rInv = inverse(qr.upperTriangularMatrix);
  return { b, resid, zzInv: rInv.mmul(rInv.transpose()), nobs: y.length };
}

function close(actual: number, expected: number, what: string, rel = 1e-7): void {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected) + 1e-13,
    `${what}: ${String(actual)} vs ${String(expected)}`,
  );
}

const trends: VarTrend[] = ['n', 'c', 'ct', 'ctt'];
const p = 2;

for (const trend of trends) {
  test(`trend '${trend}': fit, criteria, forecasts and causality equal OLS on the hand-built design`, () => {
    const fit = fitVar(columns, p, symbols, trend);
    const hand = byHand(trend, p, p, 0);
    const kTrend = terms(trend, 1).length;
    const m = kTrend + k * p;
    assert.deepEqual(fit.param_names.slice(0, kTrend), ['const', 'trend', 'trend**2'].slice(0, kTrend));
    assert.equal(fit.param_names[kTrend], `L1.${symbols[0] ?? ''}`);
    assert.equal(fit.df_model, m);
    assert.equal(fit.df_resid, hand.nobs - m);
    for (let r = 0; r < m; r++)
      for (let i = 0; i < k; i++) close(fit.params[r]?.[i] ?? Number.NaN, hand.b.get(r, i), `params[${r}][${i}]`);
    for (let i = 0; i < k; i++) close(fit.intercept[i] ?? Number.NaN, kTrend > 0 ? hand.b.get(0, i) : 0, 'intercept');
    const sse = hand.resid.transpose().mmul(hand.resid);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) close(fit.sigma_u[i]?.[j] ?? Number.NaN, sse.get(i, j) / (hand.nobs - m), 'sigma_u');
      for (let r = 0; r < m; r++)
        close(
          fit.stderr[r]?.[i] ?? Number.NaN,
          Math.sqrt(hand.zzInv.get(r, r) * (sse.get(i, i) / (hand.nobs - m))),
          `stderr[${r}][${i}]`,
          1e-6,
        );
    }
    const ld = Math.log(determinant(sse.clone().div(hand.nobs)));
    const free = p * k * k + k * kTrend;
    close(fit.aic, ld + (2 * free) / hand.nobs, 'aic');
    close(fit.bic, ld + (Math.log(hand.nobs) * free) / hand.nobs, 'bic');
    close(fit.fpe, ((hand.nobs + m) / (hand.nobs - m)) ** k * Math.exp(ld), 'fpe');

    // Forecasts continue t past the data: step h is t = n + h.
    const steps = 4;
    const out = forecast(fit, steps);
    const path = rows.slice();
    for (let h = 1; h <= steps; h++) {
      const z = [
        ...terms(trend, n + h),
        ...Array.from({ length: p }, (_, l) => path[path.length - 1 - l] ?? []).flat(),
      ];
      const next = Array.from({ length: k }, (_, i) => z.reduce((acc, v, r) => acc + v * hand.b.get(r, i), 0));
      next.forEach((v, i) => {
        close(out.point[h - 1]?.[i] ?? Number.NaN, v, `forecast h=${h} [${i}]`, 1e-6);
      });
      path.push(next);
    }

    // test_causality: Wald of the causing lags in the caused equation, rows after the deterministic terms.
    const caused = 0;
    const causing = 1;
    const at = Array.from({ length: p }, (_, l) => kTrend + l * k + causing);
    const c = Matrix.columnVector(at.map((r) => hand.b.get(r, caused)));
    const sigma = sse.get(caused, caused) / (hand.nobs - m);
    const v = new Matrix(at.map((a) => at.map((b) => hand.zzInv.get(a, b) * sigma)));
    const wald = c.transpose().mmul(solve(v, c)).get(0, 0);
    const res = testCausality(fit, [symbols[caused] ?? ''], [symbols[causing] ?? ''], 'f');
    close(res.test_statistic, wald / p, 'causality F', 1e-6);
    assert.deepEqual(res.df, [p, k * (hand.nobs - m)]);
  });
}

test("select_order: every order on the same sample, t from the first kept point; 'n' starts at order 1", () => {
  const maxlags = 4;
  for (const trend of trends) {
    const sel = selectOrder(columns, maxlags, trend);
    const first = trend === 'n' ? 1 : 0;
    assert.deepEqual(
      sel.orders,
      Array.from({ length: maxlags + 1 - first }, (_, i) => i + first),
    );
    const kTrend = terms(trend, 1).length;
    sel.orders.forEach((order, i) => {
      const hand = byHand(trend, order, maxlags, maxlags - order);
      const ld = Math.log(determinant(hand.resid.transpose().mmul(hand.resid).div(hand.nobs)));
      const free = order * k * k + k * kTrend;
      close(
        sel.ics.hqic[i] ?? Number.NaN,
        ld + (2 * Math.log(Math.log(hand.nobs)) * free) / hand.nobs,
        `hqic p=${order}`,
      );
      close(sel.ics.aic[i] ?? Number.NaN, ld + (2 * free) / hand.nobs, `aic ${trend} p=${order}`);
    });
    const best = sel.ics.aic.indexOf(Math.min(...sel.ics.aic)) + first;
    assert.equal(sel.selected_orders.aic, best);
  }
});

test("a fixture file's trend reaches select_order and the fit; 'n' without lags is refused", () => {
  const file = (trend: string, lagOrder: number) =>
    varFile.parse({
      fixture: 'var',
      inputs: { symbols, data: rows },
      params: { maxlags: 3, lag_order: lagOrder, trend, forecast_steps: 2, irf_periods: 2 },
    });
  const out = computeVar(file('ctt', 1)) as {
    select_order: { trend: string };
    fit: { trend: string; param_names: string[] };
  };
  assert.equal(out.select_order.trend, 'ctt');
  assert.equal(out.fit.trend, 'ctt');
  assert.deepEqual(out.fit.param_names.slice(0, 4), ['const', 'trend', 'trend**2', `L1.${symbols[0] ?? ''}`]);
  assert.throws(() => computeVar(file('n', 0)), /trend 'n' needs at least one lag/);
  assert.throws(() => file('t', 1), /VAR trend/);
});

test("a trend stated only next to the answers is used; select_order and fit may differ; 'nc' is 'n'", () => {
  const file = (outputs: Record<string, unknown>) => ({
    fixture: 'var',
    inputs: { symbols, data: rows },
    params: { maxlags: 2, lag_order: 1, forecast_steps: 1, irf_periods: 1 },
    outputs,
  });
  const parsed = fixtureFromJson(file({ fit: { trend: 'ct' } }));
  assert.equal(parsed.fixture === 'var' ? parsed.params.trend.trend : undefined, 'ct');
  type Out = { select_order: { trend: string; ics: unknown }; fit: { trend: string; params: unknown } };
  const run = (outputs: Record<string, unknown>): Out => {
    const f = fixtureFromJson(file(outputs));
    assert.ok(f.fixture === 'var');
    return computeVar(f) as Out;
  };
  // statsmodels: select_order(trend='c') beside fit(trend='ct'): each part with its own trend.
  const split = run({ select_order: { trend: 'c' }, fit: { trend: 'ct' } });
  const [c, ct] = [run({ fit: { trend: 'c' } }), run({ fit: { trend: 'ct' } })];
  assert.equal(split.select_order.trend, 'c');
  assert.deepEqual(split.select_order.ics, c.select_order.ics);
  assert.equal(split.fit.trend, 'ct');
  assert.deepEqual(split.fit.params, ct.fit.params);
  // statsmodels 0.13.5 still takes its legacy alias 'nc' for 'n'.
  const [nc, n] = [run({ fit: { trend: 'nc' } }), run({ fit: { trend: 'n' } })];
  assert.equal(nc.fit.trend, 'nc');
  assert.deepEqual(nc.fit.params, n.fit.params);
  assert.deepEqual(nc.select_order.ics, n.select_order.ics);
});
