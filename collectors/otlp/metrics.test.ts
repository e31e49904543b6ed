import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsConverter, type Sample } from './metrics.ts';
import { metricsRequest } from './schema.ts';

const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
const request = (metric: Record<string, unknown>) =>
  metricsRequest.parse({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeMetrics: [{ scope: { name: 'lib' }, metrics: [metric] }],
      },
    ],
  });
const values = (samples: readonly Sample[], name: string, extra: Record<string, string> = {}) =>
  samples
    .filter((s) => s.labels.__name__ === name && Object.entries(extra).every(([k, v]) => s.labels[k] === v))
    .map((s) => s.point.value);

describe('OTLP metrics conversion', () => {
  it('turns a cumulative sum into rates, treating a lower value or a new start time as a reset', () => {
    const c = new MetricsConverter({ maxStates: 10 });
    const sum = (t: number, v: number, start = 0) =>
      request({
        name: 'http.requests',
        sum: {
          aggregationTemporality: 2,
          isMonotonic: true,
          dataPoints: [
            {
              startTimeUnixNano: ns(start),
              timeUnixNano: ns(t),
              asInt: String(v),
              attributes: [{ key: 'http.route', value: { stringValue: '/q' } }],
            },
          ],
        },
      });
    assert.deepEqual(c.convert(sum(10_000, 100)).samples, [], 'the first point sets the baseline');
    const second = c.convert(sum(20_000, 300)).samples;
    assert.deepEqual(values(second, 'http_requests_rate'), [20]);
    assert.equal(second[0]?.labels.http_route, '/q');
    assert.equal(second[0].labels.service, 'svc');
    assert.equal(second[0].labels.otel_scope_name, 'lib');
    assert.deepEqual(
      values(c.convert(sum(30_000, 50, 25_000)).samples, 'http_requests_rate'),
      [10],
      'restarted at 25 s: 50 in 5 s',
    );
  });

  it('turns delta sums into rates over their own interval and rejects a missing temporality', () => {
    const c = new MetricsConverter({ maxStates: 10 });
    const out = c.convert(
      request({
        name: 'jobs',
        sum: {
          aggregationTemporality: 1,
          isMonotonic: true,
          dataPoints: [{ startTimeUnixNano: ns(0), timeUnixNano: ns(4_000), asDouble: 8 }],
        },
      }),
    );
    assert.deepEqual(values(out.samples, 'jobs_rate'), [2]);
    const bad = c.convert(
      request({
        name: 'jobs',
        sum: {
          isMonotonic: true,
          dataPoints: [
            { timeUnixNano: ns(1), asDouble: 1 },
            { timeUnixNano: ns(2), asDouble: 1 },
          ],
        },
      }),
    );
    assert.equal(bad.rejected, 2);
    assert.match(bad.errors[0] ?? '', /aggregationTemporality/);
  });

  it('rejects histogram points whose buckets do not fit their bounds, keeping the good ones', () => {
    const c = new MetricsConverter({ maxStates: 10 });
    const out = c.convert(
      request({
        name: 'lat',
        histogram: {
          aggregationTemporality: 1,
          dataPoints: [
            {
              startTimeUnixNano: ns(0),
              timeUnixNano: ns(1_000),
              count: '4',
              sum: 6,
              bucketCounts: ['0', '4', '0'],
              explicitBounds: [1, 2],
            },
            {
              startTimeUnixNano: ns(0),
              timeUnixNano: ns(1_000),
              count: '4',
              bucketCounts: ['4'],
              explicitBounds: [1, 2],
              attributes: [{ key: 'k', value: { stringValue: 'bad' } }],
            },
          ],
        },
      }),
    );
    assert.equal(out.rejected, 1);
    assert.deepEqual(values(out.samples, 'lat_count_rate'), [4]);
    assert.deepEqual(values(out.samples, 'lat_sum_rate'), [6]);
    assert.deepEqual(values(out.samples, 'lat', { quantile: '0.5' }), [1.5]);
  });

  it('differences cumulative exponential histograms, even across a scale change', () => {
    const c = new MetricsConverter({ maxStates: 10 });
    const point = (t: number, scale: number, offset: number, counts: number[]) =>
      request({
        name: 'size',
        exponentialHistogram: {
          aggregationTemporality: 2,
          dataPoints: [
            {
              startTimeUnixNano: ns(0),
              timeUnixNano: ns(t),
              count: String(counts.reduce((a, b) => a + b, 0)),
              scale,
              positive: { offset, bucketCounts: counts.map(String) },
            },
          ],
        },
      });
    // Scale 1: bucket i covers (2^(i/2), 2^((i+1)/2)]; indexes 2 and 3 cover (2, 2.83] and (2.83, 4].
    c.convert(point(1_000, 1, 2, [5, 5]));
    // Downscaled to 0 the old counts are 10 in (2, 4]; the new point adds 10 in (8, 16] (index 3 at scale 0).
    const out = c.convert(point(2_000, 0, 1, [10, 0, 10]));
    assert.deepEqual(values(out.samples, 'size_count_rate'), [10]);
    const median = values(out.samples, 'size', { quantile: '0.5' })[0];
    assert.ok(median !== undefined && median > 8 && median <= 16, `the new observations lie in (8, 16]: ${median}`);
  });

  it('keeps summary quantiles and derives count and sum rates', () => {
    const c = new MetricsConverter({ maxStates: 10 });
    const point = (t: number, count: number, sum: number) =>
      request({
        name: 'rpc',
        summary: {
          dataPoints: [
            {
              startTimeUnixNano: ns(0),
              timeUnixNano: ns(t),
              count: String(count),
              sum,
              quantileValues: [{ quantile: 0.99, value: 0.8 }],
            },
          ],
        },
      });
    c.convert(point(1_000, 10, 5));
    const out = c.convert(point(3_000, 30, 15));
    assert.deepEqual(values(out.samples, 'rpc', { quantile: '0.99' }), [0.8]);
    assert.deepEqual(values(out.samples, 'rpc_count_rate'), [10]);
    assert.deepEqual(values(out.samples, 'rpc_sum_rate'), [5]);
  });

  it('bounds the state it keeps for cumulative series', () => {
    const c = new MetricsConverter({ maxStates: 3 });
    for (let i = 0; i < 10; i++)
      c.convert(
        request({
          name: `m${i}`,
          sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ timeUnixNano: ns(1_000), asInt: '1' }] },
        }),
      );
    assert.equal(c.states, 3);
  });
});
