import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SeriesLabels } from '../series.ts';
import { newGateState } from './gate.ts';
import { meaningOf } from './meaning.ts';
import { Triage } from './triage.ts';
import { toDetection, type Finding } from './watcher.ts';

function finding(labels: SeriesLabels, ts: number, observed: number, lastValue = observed): Finding {
  return {
    tracked: {
      source: 'in-process',
      key: JSON.stringify(labels),
      labels,
      detector: { update: () => ({ score: 0, observed: 0, expected: { low: 0, high: 0 }, fired: [] }) },
      gate: newGateState(),
      lastTs: ts,
      lastValue,
      last: undefined,
      points: 100,
    },
    verdict: { score: 0.8, observed, expected: { low: 0.01, high: 0.05 }, fired: ['level'] },
    ts,
    decision: 'onset',
  };
}

const apiP99 = { __name__: 'insitechart_http_request_duration_seconds', quantile: '0.99' };
const loopLag = { __name__: 'nodejs_eventloop_lag_p99_seconds' };
const cpu = { __name__: 'process_cpu_seconds_total_rate' };

test('what a series means: user-facing symptoms, strains, and context that never pages', () => {
  assert.equal(meaningOf(apiP99).concern, 'symptom');
  assert.equal(meaningOf({ ...apiP99, route: '/api/quotes', method: 'GET' }).concern, 'strain');
  assert.equal(
    meaningOf({ __name__: 'insitechart_http_request_duration_seconds_count_rate', status_code: '5xx' }).concern,
    'symptom',
  );
  assert.equal(meaningOf(loopLag).concern, 'symptom', 'every request waits out the lag');
  assert.equal(meaningOf(cpu).concern, 'strain');
  const contexts: SeriesLabels[] = [
    { __name__: 'nodejs_heap_space_size_total_bytes', space: 'code' },
    { __name__: 'process_resident_memory_bytes' },
    { __name__: 'insitechart_feed_staleness_seconds', feed: 'simulated', symbol: 'LLY' },
    { __name__: 'insitechart_sentiment_texts_total_rate' },
  ];
  for (const context of contexts) {
    assert.equal(meaningOf(context).concern, 'context', JSON.stringify(context));
    assert.equal(meaningOf(context).stallMatters, false, 'a resting gauge is not stuck');
  }
  const unknown = meaningOf({ __name__: 'orders_queue_depth', service: 'shop' });
  assert.deepEqual([unknown.concern, unknown.direction, unknown.stallMatters], ['strain', 'both', true]);
});

test('a symptom is published at once, titled by what users see, with a severity from its meaning', () => {
  const triage = new Triage(60_000);
  const f = finding(apiP99, 1_000, 0.8);
  const { outcome, publish } = triage.admit(f);
  assert.equal(outcome, 'symptom');
  assert.ok(publish !== undefined);
  const d = toDetection(publish.finding, [], publish.meaning);
  assert.equal(d.severity, 'error');
  assert.match(d.title ?? '', /^API latency p99 above normal: 0\.8 \(expected 0\.01 to 0\.05\)$/);
  assert.equal(toDetection(finding(cpu, 0, 0.4), []).severity, 'warning');
});

test('a latency rise that leaves the p99 within what users tolerate, or a fall, is not published', () => {
  const triage = new Triage(60_000);
  assert.equal(triage.admit(finding(apiP99, 0, 0.08)).outcome, 'harmless');
  assert.equal(triage.admit(finding(apiP99, 0, 0.3)).outcome, 'harmless', 'p99 under Apdex T = 0.5 s');
  assert.equal(triage.admit(finding(loopLag, 0, 0.45)).outcome, 'harmless');
  assert.equal(triage.admit(finding(loopLag, 0, 0.6)).outcome, 'symptom');
  assert.equal(triage.admit(finding(apiP99, 0, 0.001)).outcome, 'harmless');
  assert.equal(triage.admit(finding(loopLag, 0, 0.06)).outcome, 'harmless');
  assert.equal(triage.admit(finding(cpu, 0, 0.001)).outcome, 'harmless');
});

test('a strain waits for its grace: explained by a symptom, recovered, or published when it lasts', () => {
  const triage = new Triage(60_000);
  // Explained: a symptom follows 5 s later.
  assert.equal(triage.admit(finding(cpu, 0, 0.4)).outcome, 'held');
  triage.admit(finding(apiP99, 5_000, 0.8));
  assert.deepEqual(triage.release(70_000), []);
  assert.equal(triage.held, 0);
  // Recovered: the lag is back inside its range when the grace ends.
  const later = new Triage(60_000);
  later.admit(finding(cpu, 0, 0.4, 0.02));
  assert.deepEqual(later.release(30_000), [], 'not before the grace ends');
  assert.equal(later.held, 1);
  assert.deepEqual(later.release(61_000), []);
  // Lasting, and nothing users see explains it: published.
  const lasting = new Triage(60_000);
  lasting.admit(finding(cpu, 0, 0.4, 0.3));
  const out = lasting.release(61_000);
  assert.equal(out.length, 1);
  assert.equal(out[0]?.meaning.symptom, 'CPU use');
});

test('a change in demand is context unless it stops: a request-rate dip or rise with no symptom does not page', () => {
  const traffic = { __name__: 'insitechart_http_request_duration_seconds_count_rate' };
  assert.equal(meaningOf(traffic).demand, true);
  assert.equal(meaningOf(cpu).demand, false, 'CPU use is a strain on the platform, not demand');
  const dip = (observed: number, fired: string[]): Finding => {
    const f = finding(traffic, 0, observed);
    return { ...f, verdict: { ...f.verdict, expected: { low: 15, high: 25 }, fired } };
  };
  const triage = new Triage(60_000);
  assert.equal(triage.admit(dip(9, ['level'])).outcome, 'context', 'fewer requests: fewer users asking');
  assert.equal(triage.admit(dip(60, ['level', 'drift'])).outcome, 'context', 'more: latency or errors would say');
  assert.equal(triage.held, 0);
  // Nobody reaches the service: a stop is a strain, published when it lasts and no symptom explains it.
  assert.equal(triage.admit(dip(0, ['level'])).outcome, 'held');
  assert.equal(triage.release(61_000).length, 1);
  const stuck = new Triage(60_000);
  assert.equal(stuck.admit(dip(12, ['stall', 'level'])).outcome, 'held', 'a rate held at one value is stuck');
});
