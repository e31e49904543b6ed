/** The analytics service in a real platform: bars in over the backbone, REST out, breaks published. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import { waitFor } from '../backbone/conformance/bus-conformance.ts';
import type { TopicData } from '../backbone/topics.ts';
import { analyticsResponses } from './openapi.ts';
import { analyticsService } from './service.ts';
import { seededGaussian } from './synthetic.ts';
import { flatBar, waitForBars } from './test-bars.ts';
import { apiFetch } from '../testing/api-client.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';

const n = 400;
const t0 = 1_700_000_000_000;

/** AAA and BBB share a factor until bar 300, then part; CCC follows AAA one bar later; DDD is AAA doubled. */
function prices(): Record<string, number[]> {
  const g = seededGaussian(21);
  const out: Record<string, number[]> = { AAA: [100], BBB: [50], CCC: [20], DDD: [200] };
  let prevA = 0;
  for (let t = 1; t < n; t++) {
    const common = 0.01 * g();
    const a = common + 0.004 * g();
    const b = t < 300 ? common + 0.004 * g() : 0.01 * g();
    const c = 0.6 * prevA + 0.005 * g();
    prevA = a;
    for (const [s, r] of [
      ['AAA', a],
      ['BBB', b],
      ['CCC', c],
    ] as const) {
      const list = out[s] ?? [];
      list.push((list.at(-1) ?? 1) * Math.exp(r));
    }
    (out.DDD ?? []).push(2 * (out.AAA?.at(-1) ?? 1));
  }
  return out;
}

describe('analytics service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'analytics-'));
  let platform: TestPlatform;
  const breaks: TopicData<'analytics.correlation'>[] = [];
  const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await apiFetch(platform, `/api/analytics${path}`, { as: 'viewer' });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  before(async () => {
    platform = await startTestPlatform(dir, [
      analyticsService({
        streamingIntervals: ['1m'],
        breaks: { recent: 30, baseline: 100, alpha: 0.001, minDelta: 0.4, cooldown: 50 },
      }),
    ]);
    await platform.bus.subscribe({
      group: 'test-breaks',
      topic: 'analytics.correlation',
      from: 'earliest',
      handler: (d) => {
        breaks.push(d.envelope.data);
      },
    });
    const series = prices();
    for (let t = 0; t < n; t++) {
      for (const [symbol, closes] of Object.entries(series)) {
        const close = closes[t] ?? 1;
        await platform.bus.publish('market.bars', flatBar(symbol, '1m', t0 + t * 60_000, close, 1000 + t));
      }
    }
    await waitForBars(async () => (await get('/symbols')).body.symbols as { bars: number }[], 4, n);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes a correlation break on analytics.correlation when AAA and BBB part', async () => {
    await waitFor(() => breaks.some((b) => b.a === 'AAA' && b.b === 'BBB'), 5_000, 'an AAA/BBB break');
    const brk = breaks.find((b) => b.a === 'AAA' && b.b === 'BBB');
    assert.ok(brk);
    assert.ok(brk.baseline > 0.7 && brk.recent < brk.baseline - 0.4 && brk.pvalue < 0.001, JSON.stringify(brk));
    assert.ok(brk.ts > t0 + 300 * 60_000);
    const listed = await get('/correlation/breaks');
    assert.ok((listed.body.breaks as unknown[]).length >= 1);
    const live = await get('/correlation/live?interval=1m');
    assert.equal((live.body.pairs as unknown[]).length, 6);
  });

  it('serves correlation matrices, rolling and partial correlation', async () => {
    const corr = await get('/correlation?symbols=AAA,BBB,CCC&points=250');
    assert.equal(corr.status, 200);
    assert.equal(corr.body.n, 250);
    const m = corr.body.matrix as number[][];
    assert.equal(m[0]?.[0], 1);
    assert.equal(m[0][1], m[1]![0]);
    const spearman = await get('/correlation?symbols=AAA,BBB&method=kendall&missing=pairwise&points=100');
    assert.equal(spearman.status, 200);
    const rolling = await get('/correlation/rolling?x=AAA&y=BBB&window=30&points=399');
    const points = rolling.body.points as { rolling: number | null }[];
    assert.equal(points.length, 399);
    assert.ok((points[250]?.rolling ?? 0) > 0.7 && (points[398]?.rolling ?? 1) < 0.5);
    // pandas closed='left': the window of t-1, closed on the right (t itself left out).
    const left = await get('/correlation/rolling?x=AAA&y=BBB&window=30&points=399&closed=left');
    assert.equal(left.body.closed, 'left');
    const leftPoints = left.body.points as { rolling: number | null }[];
    assert.equal(leftPoints[0]?.rolling, null);
    for (let t = 1; t < 399; t++) assert.equal(leftPoints[t]?.rolling, points[t - 1]?.rolling ?? null, `t=${t}`);
    const partial = await get('/correlation/partial?symbols=AAA,BBB,CCC');
    assert.equal(partial.status, 200);
  });

  it('serves Granger tests, VAR fit, forecast, IRF, causality and the causality graph', async () => {
    const granger = await get('/granger?cause=AAA&effect=CCC&maxlag=3');
    assert.equal(granger.status, 200);
    const lags = granger.body.lags as { ssr_ftest: { pvalue: number } }[];
    assert.ok((lags[0]?.ssr_ftest.pvalue ?? 1) < 1e-10);
    const fit = await get('/var?symbols=AAA,BBB,CCC&lags=aic&maxlags=4');
    assert.equal(fit.status, 200);
    assert.equal((fit.body.fit as { lag_order: number }).lag_order >= 1, true);
    const fc = await get('/var/forecast?symbols=AAA,BBB,CCC&lags=1&steps=5');
    assert.equal((fc.body.point as unknown[]).length, 5);
    const irf = await get('/var/irf?symbols=AAA,BBB,CCC&lags=1&periods=4');
    assert.equal((irf.body.orth_irfs as unknown[]).length, 5);
    const causality = await get('/var/causality?symbols=AAA,BBB,CCC&lags=1&caused=CCC&causing=AAA');
    assert.equal(causality.body.conclusion, 'reject');
    const graph = await get('/causality-graph?symbols=AAA,BBB,CCC&lag=1');
    assert.equal(graph.status, 200);
    assert.ok((graph.body.edges as { from: string; to: string }[]).some((e) => e.from === 'AAA' && e.to === 'CCC'));
  });

  it('serves the multi-dimensional views', async () => {
    const sectors = await get('/views/sectors?symbols=AAA,BBB,CCC');
    assert.equal(sectors.status, 200);
    assert.deepEqual(sectors.body.sectors, ['Unknown']);
    const regimes = await get('/views/regimes?symbols=AAA,BBB&market=CCC&window=20');
    assert.equal(regimes.status, 200);
    const psv = await get('/views/price-sentiment-volume?symbol=AAA');
    assert.equal(psv.status, 422, 'no sentiment received for AAA yet');
    assert.match(String(psv.body.error), /too few|at least/);
  });

  it('answers as its OpenAPI document declares', async () => {
    const answers: [string, z.ZodType][] = [
      ['/symbols', analyticsResponses.symbols],
      ['/correlation/live?interval=1m', analyticsResponses.live],
      ['/correlation/breaks', analyticsResponses.breaks],
      ['/correlation?symbols=AAA,BBB,CCC&points=250', analyticsResponses.correlation],
      ['/correlation/rolling?x=AAA&y=BBB&window=30&points=100', analyticsResponses.rolling],
      ['/correlation/partial?symbols=AAA,BBB,CCC', analyticsResponses.partial],
      ['/granger?cause=AAA&effect=CCC&maxlag=3', analyticsResponses.granger],
      ['/var?symbols=AAA,BBB,CCC&lags=aic&maxlags=4', analyticsResponses.var],
      ['/var/forecast?symbols=AAA,BBB,CCC&lags=1&steps=5', analyticsResponses.varForecast],
      ['/var/irf?symbols=AAA,BBB,CCC&lags=1&periods=4', analyticsResponses.varIrf],
      ['/var/causality?symbols=AAA,BBB,CCC&lags=1&caused=CCC&causing=AAA', analyticsResponses.varCausality],
      ['/causality-graph?symbols=AAA,BBB,CCC&lag=1', analyticsResponses.causalityGraph],
      ['/views/sectors?symbols=AAA,BBB,CCC', analyticsResponses.sectors],
      ['/views/regimes?symbols=AAA,BBB&market=CCC&window=20', analyticsResponses.regimes],
    ];
    for (const [path, schema] of answers) {
      const { status, body } = await get(path);
      assert.equal(status, 200, path);
      const parsed = schema.safeParse(body);
      assert.ok(parsed.success, `${path}: ${parsed.error?.message ?? ''}`);
    }
  });

  it('answers bad input with a 4xx and a message, never a 500', async () => {
    const cases: [string, number, RegExp][] = [
      ['/correlation?symbols=AAA,ZZZ', 404, /unknown symbol ZZZ/],
      ['/correlation?symbols=AAA', 400, /invalid request/],
      ['/correlation?symbols=AAA,BBB&points=5', 400, /invalid request/],
      ['/correlation?symbols=AAA,BBB&method=magic', 400, /invalid request/],
      ['/correlation?symbols=AAA,BBB&interval=1h', 404, /no 1h bars/],
      ['/correlation/partial?symbols=AAA,DDD', 422, /singular/],
      ['/var?symbols=AAA,DDD&lags=1', 422, /singular/],
      ['/granger?cause=AAA&effect=AAA', 400, /differ/],
      ['/granger?cause=AAA&effect=BBB&maxlag=20&points=40', 422, /needs at least/],
      ['/var?symbols=AAA,BBB&lags=15&points=20', 422, /needs at least/],
      ['/var/causality?symbols=AAA,BBB&lags=1&caused=AAA&causing=QQQ', 422, /unknown symbol QQQ/],
      ['/causality-graph?symbols=AAA,BBB&alpha=2', 400, /invalid request/],
      ['/correlation/rolling?x=AAA&y=BBB&window=30&closed=middle', 400, /closed/],
    ];
    for (const [path, status, message] of cases) {
      const { status: got, body } = await get(path);
      assert.equal(got, status, `${path}: ${JSON.stringify(body)}`);
      assert.match(JSON.stringify(body), message, path);
    }
  });

  it('computes a posted fixture-layout file', async () => {
    const response = await apiFetch(platform, '/api/analytics/compute', {
      as: 'viewer',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        fixture: 'rolling_correlation',
        inputs: { x: [1, 2, 3, 4, 5, 6], y: [2, 1, 4, 3, 6, 5] },
        params: { window: 3, ewm_span: 3 },
      }),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { outputs: { rolling_pearson: { values: (number | null)[] } } };
    assert.deepEqual(body.outputs.rolling_pearson.values.slice(0, 2), [null, null]);
    const bad = await apiFetch(platform, '/api/analytics/compute', {
      as: 'viewer',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"fixture":"nope"}',
    });
    assert.equal(bad.status, 400);
  });
  it('answers hostile fixture bodies and queries with a 4xx naming the reason, never a 500 or a NaN', async () => {
    const wave = (n: number, f: number): number[] =>
      Array.from({ length: n }, (_, i) => Math.sin(i * f + i * i * 0.01));
    const rows = (n: number): number[][] => wave(n, 1).map((v, i) => [v, wave(n, 2.3)[i] ?? 0]);
    const roll = { fixture: 'rolling_correlation', inputs: { x: [1, 2, 3], y: [2, 1, 3] }, params: { window: 2 } };
    const cases: [string, unknown, number, RegExp][] = [
      [
        'constant series',
        {
          fixture: 'correlation',
          inputs: { symbols: ['A', 'B'], log_returns: { A: wave(50, 1), B: new Array(50).fill(0.01) } },
        },
        422,
        /B is constant/,
      ],
      [
        'too short',
        { fixture: 'correlation', inputs: { symbols: ['A', 'B'], log_returns: { A: [1, 2], B: [2, 1] } } },
        422,
        /at least 3 points/,
      ],
      [
        'mismatched lengths',
        { fixture: 'correlation', inputs: { symbols: ['A', 'B'], log_returns: { A: wave(50, 1), B: wave(40, 2) } } },
        422,
        /lengths differ/,
      ],
      [
        'duplicate symbols',
        {
          fixture: 'var',
          inputs: { symbols: ['A', 'A'], data: rows(80) },
          params: { maxlags: 2, forecast_steps: 2, irf_periods: 2 },
        },
        400,
        /distinct/,
      ],
      [
        'overflowing values',
        {
          fixture: 'var',
          inputs: { symbols: ['A', 'B'], data: rows(80).map(([a, b]) => [1e300 * (a ?? 0), b]) },
          params: { maxlags: 2, forecast_steps: 2, irf_periods: 2 },
        },
        400,
        /1e100/,
      ],
      [
        'non-numeric value',
        {
          fixture: 'rolling_correlation',
          inputs: { x: ['NaN', 1, 2], y: [1, 2, 3] },
          params: { window: 3, ewm_span: 2 },
        },
        400,
        /invalid request/,
      ],
      [
        'min_periods above the window',
        {
          fixture: 'rolling_correlation',
          inputs: { x: wave(20, 1), y: wave(20, 2) },
          params: { window: 5, min_periods: 9, ewm_span: 2 },
        },
        422,
        /min_periods/,
      ],
      [
        'VAR lag beyond the data',
        {
          fixture: 'var',
          inputs: { symbols: ['A', 'B'], data: rows(80) },
          params: { maxlags: 2, lag_order: 60, forecast_steps: 2, irf_periods: 2 },
        },
        422,
        /needs at least/,
      ],
      [
        'Granger maxlag beyond the data',
        {
          fixture: 'granger',
          inputs: { series: { A: wave(30, 1), B: wave(30, 2) } },
          params: { maxlag: 12, pairs: [{ cause: 'A', effect: 'B' }] },
        },
        422,
        /needs at least/,
      ],
      [
        'Granger cause = effect',
        {
          fixture: 'granger',
          inputs: { series: { A: wave(80, 1) } },
          params: { maxlag: 2, pairs: [{ cause: 'A', effect: 'A' }] },
        },
        400,
        /must differ/,
      ],
      ['an EWM setting not supported', { ...roll, outputs: { ewm_pearson: { times: [1] } } }, 400, /times/],
      [
        "VAR trend 't'",
        { fixture: 'var', inputs: { symbols: ['A'], data: [[1]] }, params: { trend: 't' } },
        400,
        /VAR trend \(one of 'n', 'c', 'ct', 'ctt', 'nc'\): \\"t\\"/,
      ],
      [
        'Kendall exact p-value with ties',
        {
          fixture: 'correlation',
          inputs: { symbols: ['A', 'B'], log_returns: { A: [1, 1, 2, 3], B: [1, 2, 3, 5] } },
          params: { kendall_method: 'exact' },
        },
        422,
        /ties/,
      ],
      [
        'partial with a constant series',
        {
          fixture: 'partial_correlation',
          inputs: {
            symbols: ['A', 'B', 'C'],
            log_returns: { A: wave(50, 1), B: wave(50, 2), C: new Array(50).fill(0) },
          },
        },
        422,
        /singular/,
      ],
    ];
    for (const [what, body, status, message] of cases) {
      const response = await apiFetch(platform, '/api/analytics/compute', {
        as: 'viewer',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      assert.equal(response.status, status, `${what}: ${text}`);
      assert.match(text, message, what);
      assert.doesNotMatch(text, /NaN|Infinity/, what);
    }
    // A constant price gives constant (zero) returns: named, not a matrix of NaN.
    for (let t = 0; t < 60; t++)
      for (const [symbol, close] of [
        ['EEE', 10],
        ['FFF', 10 + Math.sin(t)],
      ] as const)
        await platform.bus.publish('market.bars', flatBar(symbol, '5m', t0 + t * 300_000, close));
    for (const deadline = Date.now() + 10_000; ;) {
      if ((await get('/correlation?symbols=EEE,FFF&interval=5m&points=10')).status !== 404) break;
      assert.ok(Date.now() < deadline, '5m bars in the windows');
      await new Promise((r) => setTimeout(r, 20));
    }
    const queries: [string, number, RegExp][] = [
      ['/correlation?symbols=EEE,FFF&interval=5m&points=50', 422, /EEE is constant/],
      ['/correlation?symbols=AAA,AAA', 400, /distinct/],
      ['/var/causality?symbols=AAA,BBB&lags=1&caused=AAA&causing=AAA', 400, /must not share symbols: AAA/],
      ['/var?symbols=AAA,BBB&lags=15&points=20', 422, /needs at least/],
      ['/correlation/rolling?x=AAA&y=BBB&window=600&points=100', 422, /600-point window needs at least/],
    ];
    for (const [path, status, message] of queries) {
      const { status: got, body } = await get(path);
      const text = JSON.stringify(body);
      assert.equal(got, status, `${path}: ${text}`);
      assert.match(text, message, path);
      assert.doesNotMatch(text, /NaN|Infinity/, path);
    }
  });
});
