import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import {
  cumulativeLeBuckets,
  explicitBuckets,
  exponentialBucketList,
  quantileFromBuckets,
} from '../../platform/series/histogram-math.ts';
import { EventLoopDelayWindow, registerEventLoopDelay } from '../../platform/telemetry/event-loop-delay.ts';
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

  it('reads one sample at a time: a collect slower than the interval neither loses nor double-counts', async () => {
    const registry = new Registry();
    const jobs = new Counter({ name: 'insitechart_jobs_total', help: 'c', registers: [registry] });
    let release = (): void => undefined;
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    let first = true;
    new Gauge({
      name: 'insitechart_slow_reading',
      help: 'its first collect waits (a stalled loop) for several intervals',
      registers: [registry],
      async collect() {
        if (first) {
          first = false;
          await stuck;
        }
        this.set(1);
      },
    });
    // Each reading's time is the next whole second of a fake clock, in the order readings start.
    let clock = 0;
    const source = new InProcessSource({
      registry,
      intervalMs: 10,
      maxSeries: 10,
      pointsPerSeries: 100,
      now: () => (clock += 1_000),
    });
    jobs.inc(7);
    source.start();
    try {
      // Several intervals pass while the first reading waits; then it completes and 5 more jobs are counted.
      await sleep(80);
      release();
      await sleep(1);
      jobs.inc(5);
      const rates = async () => (await source.poll(0)).find((s) => s.labels.__name__ === 'insitechart_jobs_total_rate');
      for (let i = 0; i < 200 && ((await rates())?.points.length ?? 0) < 3; i++) await sleep(10);
      // Integrated over the readings (the first at t = 1 s), the rate gives back what was counted after the first.
      let integral = 0;
      let previous = 1_000;
      for (const p of (await rates())?.points ?? []) {
        integral += (p.value * (p.ts - previous)) / 1_000;
        previous = p.ts;
      }
      assert.equal(integral, 5, 'the 5 jobs counted after the first reading, once');
    } finally {
      release();
      await source.stop();
    }
  });
});

describe('the event-loop delay as the detector samples it', () => {
  const block = (ms: number): void => {
    for (const until = performance.now() + ms; performance.now() < until;);
  };
  // The window closes, the source samples and the loop stalls on timers of one period: any of them may run
  // first in a pass, or in the same pass as another. Every sample must still show a stall of every period.
  for (const [sampler, stall] of [
    [0, 0],
    [0, 60],
    [60, 0],
    [60, 120],
    [120, 60],
  ] as const)
    it(`shows a periodic stall in every sample (sampler +${String(sampler)} ms, stall +${String(stall)} ms)`, async () => {
      const registry = new Registry();
      const window = new EventLoopDelayWindow(200);
      registerEventLoopDelay(registry, window);
      const source = new InProcessSource({ registry, intervalMs: 200, maxSeries: 100, pointsPerSeries: 100 });
      let stalls: NodeJS.Timeout | undefined;
      try {
        await sleep(sampler);
        source.start();
        await sleep(Math.max(0, stall - sampler + (stall < sampler ? 200 : 0)));
        stalls = setInterval(() => {
          block(120);
        }, 200);
        await sleep(1_500);
      } finally {
        clearInterval(stalls);
        await source.stop();
        window.stop();
      }
      const p99 = (await source.poll(0)).find((s) => s.labels.__name__ === 'nodejs_eventloop_lag_p99_seconds');
      // The first two samples may predate the first stall's window.
      const seen = (p99?.points ?? []).slice(2).map((p) => p.value);
      assert.ok(seen.length >= 3, `sampled: ${seen.join(', ')}`);
      assert.ok(
        seen.every((v) => v >= 0.08),
        `every sample shows the 120 ms stall: ${seen.join(', ')}`,
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
