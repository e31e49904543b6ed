import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnomalyVerdict, SeriesDetector } from '../series.ts';
import { LearnedFamilies } from './learned-families.ts';
import { withLimit } from './limit.ts';

/** An inner detector that never alarms (as one suppressed or fatigued after earlier alarms would). */
const silent: SeriesDetector = {
  warmup: 10,
  update: (p) => ({ score: 0.1, observed: p.value, expected: { low: 0, high: 0.3 }, fired: [] }),
};

function run(values: readonly number[], stepMs: number): AnomalyVerdict[] {
  const d = withLimit(silent, 0.5, 3_000);
  return values.map((value, i) => d.update({ ts: i * stepMs, value }));
}

test('a value held over the limit pages whatever the inner detector says, and only then', () => {
  const v = run([0.1, 0.6, 0.6, 0.6, 0.6, 0.6, 0.2, 0.2, 0.2, 0.2], 1_000);
  assert.deepEqual(
    v.map((x) => x.score),
    [0, 0, 0, 0, 1, 1, 1, 1, 0, 0],
    'the stretch ends once the value has been back under the limit for the hold',
  );
  assert.equal(v[4]?.fired[0], 'limit');
  assert.deepEqual(v[4].expected, { low: 0, high: 0.3 });
});

test('a short excursion does not page, nor do isolated spikes; a dip once paging does not end it', () => {
  assert.ok(run([0.1, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.1], 1_000).every((x) => x.score === 0));
  // A loaded machine's healthy lag: over the limit in isolated seconds, 3 s apart (the quiet probe's pattern).
  assert.ok(run([0.1, 0.6, 0.2, 0.6, 0.6, 0.1, 0.6, 0.2, 1.5, 0.2, 0.2, 0.8, 0.1], 1_000).every((x) => x.score === 0));
  assert.deepEqual(
    run([0.6, 0.6, 0.6, 0.6, 0.2, 0.6, 0.6, 0.2, 0.2, 0.2], 1_000).map((x) => x.score),
    [0, 0, 0, 1, 1, 1, 1, 1, 1, 0],
  );
  assert.deepEqual(
    run([0.1, 0.9, 0.9], 10_000).map((x) => x.score),
    [0, 0, 1],
  );
});

test('the expected range never reaches above the limit, and the warm-up is the inner one', () => {
  const wide: SeriesDetector = {
    update: (p) => ({ score: 0, observed: p.value, expected: { low: 0, high: 2 }, fired: ['level'] }),
  };
  const d = withLimit(wide, 0.5, 0);
  assert.deepEqual(d.update({ ts: 0, value: 0.7 }).expected, { low: 0, high: 0.5 });
  assert.deepEqual(d.update({ ts: 1, value: 0.7 }).fired, ['limit', 'level']);
  assert.equal(d.warmup, undefined);
  assert.equal(withLimit(silent, 0.5).warmup, 10);
  assert.equal(withLimit(silent, Number.POSITIVE_INFINITY), silent, 'no limit: the detector itself');
});

test("the service's detectors carry their symptom's limit: the event-loop lag pages, a heap gauge does not", () => {
  const families = new LearnedFamilies();
  const lag = families.detectorFor({ __name__: 'nodejs_eventloop_lag_p99_seconds' });
  const heap = families.detectorFor({ __name__: 'nodejs_heap_size_used_bytes' });
  const last = (d: SeriesDetector): AnomalyVerdict | undefined => {
    let v: AnomalyVerdict | undefined;
    // 1 s sampling: 400 healthy seconds, then a stall of 600 ms in every second for 5 s.
    for (let i = 0; i < 405; i++) v = d.update({ ts: i * 1_000, value: i < 400 ? 0.02 + (i % 7) * 0.01 : 0.6 });
    return v;
  };
  assert.equal(lag.warmup, 300);
  const v = last(lag);
  assert.deepEqual([v?.score, v?.fired[0]], [1, 'limit']);
  assert.notEqual(last(heap)?.fired[0], 'limit');
});
