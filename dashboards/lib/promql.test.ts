import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillVariables, metricNames } from './promql.ts';

describe('PromQL reading for the dashboard tests', () => {
  it('finds the selected metric names, not functions, labels, keywords or values', () => {
    assert.deepEqual(
      metricNames(
        'sum by (job, route) (rate(http_count{status_code=~"5..",job=~"$service"}[5m])) / on (job) group_left sum(up) > bool 0.5',
      ).sort(),
      ['http_count', 'up'],
    );
    assert.deepEqual(metricNames('histogram_quantile(0.99, sum by (le) (rate(a_bucket[1m]))) and b:rate5m offset 1h'), [
      'a_bucket',
      'b:rate5m',
    ]);
    assert.deepEqual(metricNames('{__name__=~"slo:.+", slo="x"} * 1e3 + vector(2)'), []);
  });

  it('fills the dashboard variables', () => {
    assert.equal(
      fillVariables(
        'rate(x{environment=~"$environment",job=~"$service",instance=~"$instance"}[$__rate_interval])',
        '30s',
      ),
      'rate(x{environment=~".*",job=~".*",instance=~".*"}[30s])',
    );
  });
});
