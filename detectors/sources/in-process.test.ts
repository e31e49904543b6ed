import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import {
  cumulativeLeBuckets,
  explicitBuckets,
  exponentialBucketList,
  quantileFromBuckets,
} from '../../platform/series/histogram-math.ts';
import { InProcessSource } from './in-process.ts';
import { SeriesStore } from '../../platform/series/series-store.ts';
import { formatSelector, matches, parseSelector, SelectorError } from './source.ts';

describe('in-process source (the platform registry)', () => {
  it('samples gauges as values, counters as rates, histograms as rates and quantiles, summaries as quantiles', async () => {
    const registry = new Registry();
    let now = 1_000_000;
    const gauge = new Gauge({
      name: 'insitechart_pool_in_use',
      help: 'g',
      labelNames: ['pool'] as const,
      registers: [registry],
    });
    const counter = new Counter({ name: 'insitechart_orders_total', help: 'c', registers: [registry] });
    const histogram = new Histogram({
      name: 'insitechart_latency_seconds',
      help: 'h',
      buckets: [0.1, 0.5, 1],
      registers: [registry],
    });
    const summary = new Summary({
      name: 'insitechart_size_bytes',
      help: 's',
      percentiles: [0.5],
      registers: [registry],
    });
    new Gauge({ name: 'insitechart_detector_own', help: 'excluded', registers: [registry] }).set(1);
    const source = new InProcessSource({
      registry,
      intervalMs: 10_000,
      maxSeries: 100,
      pointsPerSeries: 10,
      now: () => now,
    });

    gauge.set({ pool: 'db' }, 4);
    counter.inc(100);
    histogram.observe(0.05);
    summary.observe(10);
    await source.sample();
    now += 10_000;
    gauge.set({ pool: 'db' }, 6);
    counter.inc(50);
    for (let i = 0; i < 10; i++) histogram.observe(0.7);
    await source.sample();

    const read = async (selector: string) => source.readRange(parseSelector(selector), { from: 0, to: now });
    assert.deepEqual(
      (await read('insitechart_pool_in_use{pool="db"}'))[0]?.points.map((p) => p.value),
      [4, 6],
    );
    assert.deepEqual(
      (await read('insitechart_orders_total_rate'))[0]?.points,
      [{ ts: now, value: 5 }],
      '50 more over 10 s; the first reading only sets the baseline',
    );
    assert.deepEqual(
      (await read('insitechart_latency_seconds_count_rate'))[0]?.points.map((p) => p.value),
      [1],
    );
    const median = (await read('insitechart_latency_seconds{quantile="0.5"}'))[0]?.points[0]?.value;
    assert.ok(
      median !== undefined && median > 0.5 && median <= 1,
      `the interval's observations all fell in (0.5, 1]: ${median}`,
    );
    assert.equal((await read('insitechart_size_bytes{quantile="0.5"}'))[0]?.points[0]?.value, 10);
    assert.equal(
      (await source.listSeries(parseSelector('insitechart_detector_own'))).length,
      0,
      "the detector's own metrics are not watched",
    );
    const polled = await source.poll(now - 1);
    assert.ok(polled.length >= 4 && polled.every((s) => s.points.every((p) => p.ts === now)));
    counter.reset();
    counter.inc(20);
    now += 10_000;
    await source.sample();
    assert.equal(
      (await read('insitechart_orders_total_rate'))[0]?.points.at(-1)?.value,
      2,
      'a counter reset counts from zero',
    );
  });
});

describe('series store', () => {
  it('keeps the newest points per series and evicts the least recently written series', () => {
    const store = new SeriesStore({ maxSeries: 2, pointsPerSeries: 3 });
    for (let t = 1; t <= 5; t++) store.append({ __name__: 'a' }, { ts: t, value: t });
    assert.equal(store.append({ __name__: 'a' }, { ts: 5, value: 9 }), false, 'not newer: dropped');
    store.append({ __name__: 'b' }, { ts: 1, value: 1 });
    store.append({ __name__: 'a' }, { ts: 6, value: 6 });
    store.append({ __name__: 'c' }, { ts: 1, value: 1 });
    assert.deepEqual(
      store
        .list(() => true)
        .map((l) => l.__name__)
        .sort(),
      ['a', 'c'],
      'b was written least recently',
    );
    assert.deepEqual(
      store.read((labels) => matches(labels, parseSelector('a')), { from: 0, to: 10 })[0]?.points.map((p) => p.value),
      [4, 5, 6],
    );
    assert.deepEqual(store.stats(), { series: 2, evicted: 1, outOfOrder: 1 });
    assert.deepEqual(
      store.since(4).map((x) => [x.labels.__name__, x.points.map((p) => p.ts)]),
      [['a', [5, 6]]],
      'only points after the cursor, only series that have them',
    );
    assert.deepEqual(
      store.since(0, (labels) => matches(labels, parseSelector('c'))).map((x) => x.points.length),
      [1],
    );
  });
});

describe('selectors', () => {
  it('parse, match and format like PromQL', () => {
    const m = parseSelector('http_requests{route=~"/api/.*", code!="200", env!~"dev|test"}');
    assert.equal(m.length, 4);
    assert.ok(matches({ __name__: 'http_requests', route: '/api/x', code: '500', env: 'prod' }, m));
    assert.ok(!matches({ __name__: 'http_requests', route: '/apix', code: '500' }, m), 'regexes are anchored');
    assert.ok(!matches({ __name__: 'http_requests', route: '/api/x', code: '500', env: 'dev' }, m));
    assert.deepEqual(parseSelector(formatSelector(m)), m);
    assert.throws(() => parseSelector('{a="x"'), SelectorError);
    assert.throws(() => parseSelector('{a=~"("}'), SelectorError);
  });
});

describe('histogram maths', () => {
  it('interpolates quantiles inside buckets as histogram_quantile does', () => {
    const buckets = explicitBuckets([1, 2, 4], [0, 10, 10, 0]);
    assert.equal(quantileFromBuckets(buckets, 0.5), 2);
    assert.equal(quantileFromBuckets(buckets, 0.75), 3);
    assert.equal(quantileFromBuckets(explicitBuckets([1], [0, 0]), 0.5), undefined);
    assert.equal(
      quantileFromBuckets(
        cumulativeLeBuckets([
          { le: 1, cumulative: 0 },
          { le: 2, cumulative: 4 },
          { le: Number.POSITIVE_INFINITY, cumulative: 8 },
        ]),
        0.99,
      ),
      2,
      'the +Inf bucket is capped at the highest bound',
    );
    // Scale 0: bucket i covers (2^i, 2^(i+1)].
    const exp = exponentialBucketList(0, { offset: 1, bucketCounts: [0, 4] }, { offset: 0, bucketCounts: [] }, 0, 0);
    assert.equal(quantileFromBuckets(exp, 0.5), 6);
  });
});
