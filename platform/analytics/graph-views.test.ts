import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fisherZTest, CorrelationBreakDetector } from './change.ts';
import { benjaminiHochberg, causalityGraph } from './graph.ts';
import { factorReturns, seededGaussian, simulateVar } from './synthetic.ts';
import { priceSentimentVolume, regimeCorrelation, sectorCorrelation } from './views.ts';

// Only AAA drives CCC (lags 1 and 2); BBB is independent.
const cols = simulateVar({
  coefs: [
    [
      [0.2, 0, 0],
      [0, 0.1, 0],
      [0.3, 0, 0],
    ],
    [
      [0, 0, 0],
      [0, 0, 0],
      [0.2, 0, 0],
    ],
  ],
  intercept: [0, 0, 0],
  sigma: 0.01,
  n: 1500,
  seed: 11,
});
const names = ['AAA', 'BBB', 'CCC'];

describe('causality graph', () => {
  for (const method of ['pairwise', 'var'] as const) {
    it(`${method}: finds the true edge and no reverse edge`, () => {
      const g = causalityGraph(cols, names, { method, lag: 'aic', maxlag: 5, alpha: 0.01, adjustment: 'bh' });
      assert.equal(g.lag, 2);
      assert.equal(g.tests, 6);
      const edge = g.edges.find((e) => e.from === 'AAA' && e.to === 'CCC');
      assert.ok(edge && edge.adjustedPvalue < 1e-10 && edge.strength > 1);
      assert.ok(!g.edges.some((e) => e.from === 'CCC' && e.to === 'AAA'));
      assert.equal(g.nodes.find((n) => n.id === 'AAA')?.outDegree, g.edges.filter((e) => e.from === 'AAA').length);
    });
  }

  it('Benjamini-Hochberg adjusts step-up and keeps order', () => {
    // Sorted 0.01, 0.03, 0.04, 0.2 -> p*m/rank 0.04, 0.06, 0.0533, 0.2 -> running minimum from the top.
    const expected = [0.04, 0.16 / 3, 0.16 / 3, 0.2];
    benjaminiHochberg([0.01, 0.04, 0.03, 0.2]).forEach((q, i) => {
      assert.ok(Math.abs(q - expected[i]!) < 1e-15, `${i}: ${q}`);
    });
    const adj = benjaminiHochberg([0.5, 0.001, 0.02]);
    assert.ok(adj.every((q, i) => q >= [0.5, 0.001, 0.02][i]!));
  });
});

describe('correlation change', () => {
  it('Fisher z: equal correlations are not different, distant ones are', () => {
    assert.equal(fisherZTest(0.5, 100, 0.5, 100).pvalue, 1);
    assert.ok(fisherZTest(0.8, 100, 0.1, 100).pvalue < 1e-6);
  });

  it('the break detector reports a relationship that breaks, once per cooldown', () => {
    const g = seededGaussian(5);
    const detector = new CorrelationBreakDetector({
      recent: 40,
      baseline: 120,
      alpha: 0.001,
      minDelta: 0.3,
      cooldown: 40,
    });
    const breaks: number[] = [];
    for (let t = 0; t < 600; t++) {
      const common = g();
      const x = common + 0.3 * g();
      const y = t < 400 ? common + 0.3 * g() : g(); // correlated, then independent
      if (detector.push(x, y)) breaks.push(t);
    }
    assert.ok(breaks.length >= 1 && breaks.length <= 5, `breaks at ${breaks.join(',')}`);
    assert.ok((breaks[0] ?? 0) > 400 && (breaks[0] ?? 0) < 440);
  });
});

describe('multi-dimensional views', () => {
  it('sector view: within-sector correlation exceeds between-sector', () => {
    const r = factorReturns({ symbols: 12, days: 800, sectors: 3, seed: 9 });
    const view = sectorCorrelation(
      r,
      r.map((_, i) => `S${i}`),
      (s) => `sector${Number(s.slice(1)) % 3}`,
    );
    assert.deepEqual(view.sectors, ['sector0', 'sector1', 'sector2']);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) if (a !== b) assert.ok((view.matrix[a]?.[a] ?? 0) > (view.matrix[a]?.[b] ?? 1));
  });

  it('regime view: correlation is higher in the high-volatility regime when the market factor dominates it', () => {
    const g = seededGaussian(3);
    const n = 1200;
    const market = Float64Array.from({ length: n }, (_, t) => (Math.floor(t / 100) % 2 === 0 ? 0.03 : 0.005) * g());
    const series = [0, 1, 2].map(() => Float64Array.from(market, (m) => m + 0.01 * g()));
    const view = regimeCorrelation(series, market, 20);
    assert.ok((view.high.matrix[0]?.[1] ?? 0) > (view.low.matrix[0]?.[1] ?? 1) + 0.2);
    assert.ok((view.differencePvalues[0]?.[1] ?? 1) < 1e-6);
  });

  it('price-sentiment-volume: detects sentiment leading returns', () => {
    const g = seededGaussian(4);
    const n = 400;
    const sentiment = Array.from({ length: n }, () => g());
    const closes = [100];
    for (let t = 1; t < n; t++)
      closes.push((closes[t - 1] ?? 100) * Math.exp(0.01 * (sentiment[t - 1] ?? 0) + 0.005 * g()));
    const volumes = Array.from({ length: n }, () => 1000 + 100 * Math.abs(g()));
    const view = priceSentimentVolume(closes, volumes, sentiment);
    assert.equal(view.n, n - 1);
    assert.ok(view.sentimentLeadsReturn.r > 0.7);
    assert.ok(Math.abs(view.returnLeadsSentiment.r) < 0.2);
  });
});
