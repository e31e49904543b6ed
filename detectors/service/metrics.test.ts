import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { SeriesDetector } from '../series.ts';
import { registerWatcherMetrics } from './metrics.ts';
import { SeriesWatcher } from './watcher.ts';

/** Scores each point by its value: the test sets a series' score by the value it feeds. */
const byValue: SeriesDetector = {
  update: (p) => ({
    score: p.value,
    observed: p.value,
    expected: { low: 0, high: 0.5 },
    fired: p.value > 0.5 ? ['x'] : [],
  }),
};
const gate = { enter: 0.5, exit: 0.3, clearAfter: 3, repeatMs: 0, minGapMs: 0 };

async function scores(registry: Registry): Promise<Map<string, number>> {
  const metric = await registry.getSingleMetric('insitechart_detector_anomaly_score')?.get();
  return new Map((metric?.values ?? []).map((v) => [String(v.labels.series), v.value]));
}

describe('insitechart_detector_anomaly_score', () => {
  it('exports only the highest-scored series, up to the cap, and forgets those that drop out', async () => {
    const watcher = new SeriesWatcher({ limit: 100, detectorFor: () => byValue, gate });
    const registry = new Registry();
    registerWatcherMetrics(registry, watcher, 5);
    for (let i = 0; i < 20; i++)
      watcher.ingest('in-process', { labels: { __name__: 'm', i: String(i) }, points: [{ ts: 1, value: i / 20 }] });
    let exported = await scores(registry);
    assert.equal(exported.size, 5);
    assert.deepEqual(
      [...exported.values()].sort((a, b) => b - a),
      [19, 18, 17, 16, 15].map((i) => i / 20),
    );
    assert.ok([...exported.keys()].every((k) => k.startsWith('m{')));
    // Series 19 calms down: it leaves the top 5 and its label set goes with it; 14 takes its place.
    watcher.ingest('in-process', { labels: { __name__: 'm', i: '19' }, points: [{ ts: 2, value: 0 }] });
    exported = await scores(registry);
    assert.equal(exported.size, 5);
    assert.equal(Math.max(...exported.values()), 18 / 20);
    assert.equal(Math.min(...exported.values()), 14 / 20);
    const text = await registry.metrics();
    assert.match(text, /insitechart_detector_series_watched\{state="all"\} 20/);
  });

  it('exports nothing before any series has a verdict', async () => {
    const watcher = new SeriesWatcher({ limit: 10, detectorFor: () => byValue, gate });
    const registry = new Registry();
    registerWatcherMetrics(registry, watcher);
    watcher.ingest('in-process', { labels: { __name__: 'm' }, points: [] });
    assert.equal((await scores(registry)).size, 0);
  });
});
