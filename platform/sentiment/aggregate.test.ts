import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pearsonR } from '../analytics/correlation.ts';
import { SentimentAggregator } from './aggregate.ts';
import { SampleTextGenerator } from './sample-feed.ts';
import { FinanceSentiment } from './scorer.ts';

describe('time-decayed sentiment aggregation', () => {
  it('moves with news and fades back to neutral without it', () => {
    const agg = new SentimentAggregator({ halfLifeMs: 60_000 });
    agg.add('AAPL', 0.8, 0);
    const after = agg.add('AAPL', 0.8, 1_000);
    assert.ok(after.aggregate > 0.5 && after.aggregate < 0.8, String(after.aggregate));
    const later = agg.get('AAPL', 1_000 + 10 * 60_000);
    assert.ok(later && later.aggregate < 0.01 && later.aggregate > 0);
    assert.equal(later.texts, 2);
  });

  it('weights recent texts more: one half-life halves an old score', () => {
    const agg = new SentimentAggregator({ halfLifeMs: 60_000, prior: 0 });
    agg.add('X', 1, 0);
    const v = agg.add('X', -1, 60_000);
    // (0.5 * 1 - 1) / (0.5 + 1) = -1/3
    assert.ok(Math.abs(v.aggregate + 1 / 3) < 1e-12);
    const late = agg.add('X', 1, 0); // late text weighted as of the reference time
    assert.ok(Math.abs(late.aggregate - (0.5 - 1 + 0.5) / 2) < 1e-12);
  });
});

describe('sample text stream', () => {
  it('writes templated texts about the given companies whose tone follows each symbol mood', () => {
    const gen = new SampleTextGenerator(1);
    const scorer = new FinanceSentiment();
    const company = { symbol: 'NVDA', name: 'NVIDIA', sector: 'Information Technology' };
    const items = Array.from({ length: 2000 }, (_, i) => gen.next(company, i));
    assert.ok(items.every((i) => i.symbols?.[0] === 'NVDA' && !i.text.includes('{')));
    assert.equal(new Set(items.map((i) => i.id)).size, 2000);
    const kinds = items.filter((i) => i.kind === 'social').length;
    assert.ok(kinds > 600 && kinds < 1000);
    const scores = items.map((i) => scorer.score(i.text).score);
    assert.ok(scores.some((s) => s > 0.3) && scores.some((s) => s < -0.3) && scores.some((s) => s === 0));
    // Persistent mood: consecutive scores are positively correlated (standard error about 0.02 here).
    assert.ok(pearsonR(scores.slice(1), scores.slice(0, -1)) > 0.04);
  });
});
