import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Series } from '../../series.ts';
import { ResolvedAlerts } from '../probe.ts';
import type { Signal } from '../types.ts';
import { prometheusProbe, readSeries } from './prometheus-probe.ts';

/** Prometheus answering each expression from a table; records what it was asked. */
function fakePrometheus(answers: Readonly<Record<string, Series[]>>) {
  const asked: string[] = [];
  return {
    asked,
    instant: (query: string) => {
      asked.push(query);
      return Promise.resolve(answers[query] ?? []);
    },
  };
}
const at = (value: number) => [{ ts: 1, value }];

describe('verification through Prometheus (distributed mode)', () => {
  it('reads a selector series by its labels, and a PromQL series by its expression and the labels it carries', async () => {
    const expr = 'sum by (route) (rate(insitechart_http_request_duration_seconds_count[1m]))';
    const prometheus = fakePrometheus({
      '{__name__="nodejs_eventloop_lag_p99_seconds",job="insitechart-web"}': [
        { labels: { __name__: 'nodejs_eventloop_lag_p99_seconds', job: 'insitechart-web' }, points: at(0.7) },
      ],
      [expr]: [
        { labels: { __name__: 'promql', query: expr, route: '/api/quotes' }, points: at(12) },
        { labels: { __name__: 'promql', query: expr, route: '/api/history' }, points: at(3) },
      ],
    });
    assert.equal(
      await readSeries(prometheus, { __name__: 'nodejs_eventloop_lag_p99_seconds', job: 'insitechart-web' }),
      0.7,
    );
    assert.equal(await readSeries(prometheus, { __name__: 'promql', query: expr, route: '/api/history' }), 3);
    assert.equal(await readSeries(prometheus, { __name__: 'promql', query: expr, route: '/api/none' }), undefined);
    assert.equal(await readSeries(prometheus, { __name__: 'absent_metric' }), undefined);
    assert.deepEqual(prometheus.asked.slice(1, 2), [expr]);
  });

  it('says recovered once the value is back in the expected range, and incidents by their alert resolving', async () => {
    const labels = { __name__: 'nodejs_eventloop_lag_p99_seconds', job: 'insitechart-web' };
    let value = 0.9;
    const resolved = new ResolvedAlerts();
    const probe = prometheusProbe({ instant: () => Promise.resolve([{ labels, points: at(value) }]) }, resolved);
    const signal: Signal = {
      kind: 'detection',
      key: 'k',
      labels,
      fingerprint: 'f1',
      title: 'lag',
      at: 0,
      observed: 0.9,
      expected: { low: 0, high: 0.2 },
    };
    assert.equal(await probe.recovered(signal, 0), false);
    value = 0.1;
    assert.equal(await probe.recovered(signal, 0), true);
    const incident: Signal = { kind: 'incident', key: 'f2', labels: {}, fingerprint: 'f2', title: 'x', at: 0 };
    assert.equal(await probe.recovered(incident, 100), false);
    resolved.add('f2', 150);
    assert.equal(await probe.recovered(incident, 100), true);
  });
});
