import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { READY_METRIC } from '../../platform/telemetry/readiness.ts';
import type { Series, SeriesLabels } from '../series.ts';
import { StartupWatch } from './startup.ts';

const gate = { enter: 0.5, exit: 0.3, clearAfter: 3, repeatMs: 600_000, minGapMs: 60_000 };

/** One value per second from t = 1,000 s, as the in-process source samples every series at once. */
const series = (labels: SeriesLabels, values: readonly number[], from = 0): Series => ({
  labels,
  points: values.map((value, i) => ({ ts: 1_000_000 + (from + i) * 1000, value })),
});
const lag = (labels: SeriesLabels = { service: 'insitechart' }): SeriesLabels => ({
  __name__: 'nodejs_eventloop_lag_p99_seconds',
  ...labels,
});
const ready = (labels: SeriesLabels = { service: 'insitechart' }): SeriesLabels => ({
  __name__: READY_METRIC,
  ...labels,
});
const times = (s: Series | undefined): number[] => (s?.points ?? []).map((p) => (p.ts - 1_000_000) / 1000);

describe('start-up is left out of what the detectors judge', () => {
  it("leaves out a process's points until the first reading of ready, and that one too; then every point counts", () => {
    const watch = new StartupWatch(120_000);
    // Starting for 4 s (lag held at 2 s: a cold start on a loaded machine), ready from the fifth reading.
    const poll = [series(ready(), [0, 0, 0, 0, 1, 1, 1]), series(lag(), [2, 2, 2, 2, 2, 0.1, 0.1])];
    watch.observe(poll);
    assert.deepEqual(times(watch.admit(poll[1] as Series)), [5, 6]);
    // A later poll: everything after readiness counts, a stall included.
    const later = series(lag(), [0.6, 0.6, 0.6, 0.6], 7);
    watch.observe([series(ready(), [1, 1, 1, 1], 7)]);
    assert.deepEqual(times(watch.admit(later)), [7, 8, 9, 10]);
  });

  it('leaves nothing out of a process first seen ready, of another process, or of a series naming no process', () => {
    const watch = new StartupWatch(120_000);
    watch.observe([series(ready({ service: 'a' }), [1, 1]), series(ready({ service: 'b' }), [0, 0])]);
    assert.deepEqual(times(watch.admit(series(lag({ service: 'a' }), [2, 2]))), [0, 1], 'seen ready: no start-up');
    assert.equal(watch.admit(series(lag({ service: 'b' }), [2, 2])), undefined, 'b is starting');
    assert.deepEqual(times(watch.admit(series(lag({ service: 'c' }), [2, 2]))), [0, 1], 'c: nothing known');
    assert.deepEqual(times(watch.admit(series({ __name__: 'promql', query: 'x' }, [2]))), [0], 'no process named');
    // A readiness reading naming no process cannot say whose series are start-up: it leaves nothing out.
    const anonymous = new StartupWatch(120_000);
    anonymous.observe([series({ __name__: READY_METRIC }, [0, 0])]);
    assert.deepEqual(times(anonymous.admit(series(lag(), [2]))), [0]);
  });

  it('once ready, a process is never left out again: draining or readiness lost later is news', () => {
    const watch = new StartupWatch(120_000);
    watch.observe([series(ready(), [0, 1, 1, 0, 0])]);
    assert.deepEqual(times(watch.admit(series(lag(), [2, 2, 2, 2, 2]))), [2, 3, 4]);
    assert.deepEqual(watch.pages(1_010_000, gate), [], 'not a start-up that never finished');
  });

  it('a scrape names a process by job and instance: another instance, or a sum over instances, is not its own', () => {
    const watch = new StartupWatch(120_000);
    const pod = { job: 'insitechart-market-data', instance: '10.0.0.5:8080' };
    watch.observe([series(ready(pod), [0, 0, 1])]);
    assert.deepEqual(times(watch.admit(series(lag(pod), [2, 2, 2, 2]))), [3]);
    const other = { job: 'insitechart-market-data', instance: '10.0.0.6:8080' };
    assert.deepEqual(times(watch.admit(series(lag(other), [2, 2]))), [0, 1]);
    const sum = { __name__: 'promql', job: 'insitechart-market-data' };
    assert.deepEqual(times(watch.admit(series(sum, [2, 2]))), [0, 1]);
  });

  it('a start-up that never finishes pages after the grace, titled by what users meet, once, and clears when ready', () => {
    const watch = new StartupWatch(120_000);
    watch.observe([series(ready(), [0])]);
    const at = (s: number): number => 1_000_000 + s * 1000;
    assert.deepEqual(watch.pages(at(119), gate), [], 'within the grace');
    const [page, ...more] = watch.pages(at(120), gate);
    assert.equal(more.length, 0);
    assert.ok(page !== undefined);
    assert.equal(page.title, 'Service unavailable: insitechart has not finished starting after 120 s');
    assert.equal(page.severity, 'critical');
    assert.equal(page.detector, 'startup');
    assert.deepEqual(page.series, { __name__: READY_METRIC, service: 'insitechart' });
    assert.deepEqual(watch.pages(at(121), gate), [], 'a reminder only after the repeat interval');
    assert.equal(watch.pages(at(120 + 600), gate).length, 1, 'the reminder');
    watch.observe([series(ready(), [1], 721)]);
    for (let s = 722; s < 730; s++) assert.deepEqual(watch.pages(at(s), gate), [], 'ready: no more pages');
  });

  it('keeps at most its bound of processes, forgetting the one read least recently', () => {
    const watch = new StartupWatch(120_000, 2);
    watch.observe([series(ready({ instance: 'a' }), [0])]);
    watch.observe([series(ready({ instance: 'b' }), [0])]);
    watch.observe([series(ready({ instance: 'a' }), [0], 1)]);
    watch.observe([series(ready({ instance: 'c' }), [0])]);
    assert.equal(watch.admit(series(lag({ instance: 'a' }), [2])), undefined, 'a: kept, starting');
    assert.equal(watch.admit(series(lag({ instance: 'c' }), [2])), undefined, 'c: kept, starting');
    assert.deepEqual(times(watch.admit(series(lag({ instance: 'b' }), [2]))), [0], 'b: forgotten');
  });
});
