/**
 * The REST VAR routes with statsmodels' `trend` ('n', 'c', 'ct', 'ctt'): bars over the backbone, each route's
 * answer against the library fitted to the log returns of the same closes with that trend (whose least squares
 * var-trend.test.ts checks against a design built by hand), and other trends refused by name.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { logReturns } from './returns.ts';
import { analyticsService } from './service.ts';
import { seededGaussian } from './synthetic.ts';
import { flatBar, waitForBars } from './test-bars.ts';
import { fitVar, forecast, selectOrder, testCausality } from './var.ts';
import { VAR_TRENDS } from './var-trend.ts';
import { apiFetch } from '../testing/api-client.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';

const n = 300;
const t0 = 1_700_000_000_000;
const symbols = ['TRA', 'TRB', 'TRC'];

/** Closes whose returns drift linearly and quadratically in time, so every trend term has something to fit. */
function closes(): number[][] {
  const g = seededGaussian(7);
  const out = symbols.map(() => [100]);
  let prev = 0;
  for (let t = 1; t < n; t++) {
    const u = t / n;
    const a = 0.004 * u + 0.01 * g();
    const rs = [a, -0.003 * u * u + 0.5 * prev + 0.01 * g(), 0.002 - 0.004 * u + 0.01 * g()];
    prev = a;
    rs.forEach((r, i) => {
      const list = out[i];
      if (list) list.push((list.at(-1) ?? 1) * Math.exp(r));
    });
  }
  return out;
}

function close(actual: unknown, expected: unknown, what: string): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', what);
    const a = actual as number;
    assert.ok(Math.abs(a - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${a} vs ${expected}`);
    return;
  }
  assert.ok(Array.isArray(expected) && Array.isArray(actual), what);
  assert.equal(actual.length, expected.length, what);
  expected.forEach((e, i) => {
    close((actual as unknown[])[i], e, `${what}[${String(i)}]`);
  });
}

describe('REST VAR routes with a trend', () => {
  const dir = mkdtempSync(join(tmpdir(), 'analytics-trend-'));
  let platform: TestPlatform;
  const series = closes().map((c) => logReturns(c));
  const query = `symbols=${symbols.join(',')}&points=${String(n - 1)}`;
  const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await apiFetch(platform, `/api/analytics${path}`, { as: 'viewer' });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  before(async () => {
    platform = await startTestPlatform(dir, [analyticsService({ streamingIntervals: [] })]);
    const all = closes();
    for (let t = 0; t < n; t++)
      for (const [i, symbol] of symbols.entries())
        await platform.bus.publish('market.bars', flatBar(symbol, '1m', t0 + t * 60_000, all[i]?.[t] ?? 1));
    await waitForBars(async () => (await get('/symbols')).body.symbols as { bars: number }[], 3, n);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fits each trend as the library does on the same returns, and the trend changes the fit', async () => {
    const constant = fitVar(series, 2, symbols, 'c');
    for (const trend of VAR_TRENDS) {
      const { status, body } = await get(`/var?${query}&lags=2&trend=${trend}`);
      assert.equal(status, 200, JSON.stringify(body));
      const fit = body.fit as Record<string, unknown>;
      const expected = fitVar(series, 2, symbols, trend);
      assert.equal(fit.trend, trend);
      assert.deepEqual(fit.param_names, expected.param_names);
      assert.equal(fit.df_model, 3 * 2 + { n: 0, c: 1, ct: 2, ctt: 3 }[trend]);
      for (const key of ['params', 'stderr', 'sigma_u', 'intercept', 'aic'] as const)
        close(fit[key], expected[key], `${trend} ${key}`);
      if (trend !== 'c') assert.notDeepEqual(fit.sigma_u, constant.sigma_u, `${trend} differs from 'c'`);
      assert.equal((body.sample as { minimum: number }).minimum, 30 + fit.df_model);
    }
  });

  it('selects the order with the trend, forecasts it forward and tests causality with its df', async () => {
    const selection = await get(`/var?${query}&lags=aic&maxlags=4&trend=n`);
    assert.equal(selection.status, 200);
    const chosen = selectOrder(series, 4, 'n');
    assert.deepEqual((selection.body.selection as { orders: number[] }).orders, chosen.orders);
    assert.equal(chosen.orders[0], 1, "trend 'n' selects from order 1");
    close((selection.body.selection as { ics: { aic: number[] } }).ics.aic, chosen.ics.aic, 'aic per order');

    const fc = await get(`/var/forecast?${query}&lags=1&steps=5&trend=ct`);
    assert.equal(fc.body.trend, 'ct');
    close(fc.body.point, forecast(fitVar(series, 1, symbols, 'ct'), 5).point, 'ct forecast');

    const ctt = fitVar(series, 2, symbols, 'ctt');
    const causality = await get(`/var/causality?${query}&lags=2&caused=TRB&causing=TRA&trend=ctt`);
    assert.equal(causality.status, 200);
    assert.deepEqual(causality.body.df, [2, 3 * (ctt.nobs - (3 * 2 + 3))]);
    close(causality.body.test_statistic, testCausality(ctt, ['TRB'], ['TRA'], 'f').test_statistic, 'F');
  });

  it("builds the VAR causality graph with the trend; the pairwise graph refuses a trend other than 'c'", async () => {
    const ct = fitVar(series, 2, symbols, 'ct');
    const graph = await get(`/causality-graph?${query}&method=var&lag=2&trend=ct&adjust=none&alpha=0.5`);
    assert.equal(graph.status, 200, JSON.stringify(graph.body));
    assert.equal(graph.body.trend, 'ct');
    const edges = graph.body.edges as { from: string; to: string; F: number }[];
    assert.ok(
      edges.some((e) => e.from === 'TRA' && e.to === 'TRB'),
      JSON.stringify(edges),
    );
    for (const e of edges) close(e.F, testCausality(ct, [e.to], [e.from], 'f').test_statistic, `${e.from}->${e.to}`);
    const pairwise = await get(`/causality-graph?${query}&method=pairwise&lag=2&trend=ct`);
    assert.equal(pairwise.status, 400);
    assert.match(JSON.stringify(pairwise.body), /trend 'ct' applies to method=var only/);
  });

  it('refuses trends statsmodels does not have, by name', async () => {
    for (const trend of ['nc', 'x', 'CT']) {
      const { status, body } = await get(`/var?${query}&lags=1&trend=${trend}`);
      assert.equal(status, 400, trend);
      assert.match(JSON.stringify(body), /trend/, trend);
    }
  });
});
