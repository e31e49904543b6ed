import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAnomalyDetector } from '../anomaly/index.ts';
import { seriesKey } from '../series.ts';
import { SeriesWatcher } from './watcher.ts';
import { warmupStatus } from './warmup.ts';

describe('warm-up status', () => {
  it('is warming while fewer points were seen than needed, and not once enough were', () => {
    assert.deepEqual(warmupStatus(0, 300), { warming: true, points: 0, needed: 300 });
    assert.deepEqual(warmupStatus(299, 300), { warming: true, points: 299, needed: 300 });
    assert.deepEqual(warmupStatus(300, 300), { warming: false, points: 300, needed: 300 });
  });

  it('treats a detector that does not say, or nonsense, as judging at once', () => {
    assert.deepEqual(warmupStatus(5), { warming: false, points: 5, needed: 0 });
    assert.deepEqual(warmupStatus(Number.NaN, Number.NaN), { warming: false, points: 0, needed: 0 });
    assert.deepEqual(warmupStatus(-3, 2.5), { warming: true, points: 0, needed: 3 });
  });

  it('follows a watched series through the combined detector warm-up', () => {
    const watcher = new SeriesWatcher({
      limit: 4,
      detectorFor: () => createAnomalyDetector({ warmup: 20 }),
      gate: { enter: 0.5, exit: 0.3, clearAfter: 3, repeatMs: 0, minGapMs: 0 },
    });
    const labels = { __name__: 'g' };
    const feed = (from: number, n: number) =>
      watcher.ingest('s', { labels, points: Array.from({ length: n }, (_, i) => ({ ts: from + i, value: i % 3 })) });
    feed(0, 19);
    const t = watcher.get('s', seriesKey(labels));
    assert.ok(t !== undefined);
    assert.deepEqual(warmupStatus(t.points, t.detector.warmup), { warming: true, points: 19, needed: 20 });
    assert.equal(watcher.warmingCount(), 1);
    feed(19, 1);
    assert.equal(warmupStatus(t.points, t.detector.warmup).warming, false);
    assert.equal(watcher.warmingCount(), 0);
  });
});
