import { Gauge, type Registry } from 'prom-client';
import type { SeriesWatcher, Tracked } from './watcher.ts';

/**
 * Series whose anomaly score is exported at most. The watcher holds up to DETECTOR_SERIES_LIMIT series (10,000 by
 * default); one gauge label set each would make every scrape that large, so only the highest-scored are exported.
 */
export const SCORE_SERIES_EXPORTED = 50;

/** The `cap` series with the highest latest score, ties by key so the exported set is stable between scrapes. */
export function highestScored(watcher: SeriesWatcher, cap: number): Tracked[] {
  return watcher
    .list([], { limit: watcher.size })
    .filter((t) => t.last !== undefined && Number.isFinite(t.last.score))
    .sort((a, b) => (b.last?.score ?? 0) - (a.last?.score ?? 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, cap);
}

/**
 * The watcher's gauges, read at scrape time: series watched and evicted, and
 * `insitechart_detector_anomaly_score{series,source}` for the `cap` highest-scored series (the canary gate in
 * infra/pulumi and the detectors dashboard read it). Label sets are reset on every scrape, so a series that drops
 * out of the top `cap` (or is evicted) disappears instead of keeping its last score.
 */
export function registerWatcherMetrics(registry: Registry, watcher: SeriesWatcher, cap = SCORE_SERIES_EXPORTED): void {
  new Gauge({
    name: 'insitechart_detector_series_watched',
    help: 'Series watched by the detectors, and how many are anomalous now',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'all' }, watcher.size);
      this.set({ state: 'anomalous' }, watcher.anomalousCount());
    },
  });
  new Gauge({
    name: 'insitechart_detector_series_evicted',
    help: 'Series forgotten for the series limit since start',
    registers: [registry],
    collect() {
      this.set(watcher.evicted);
    },
  });
  new Gauge({
    name: 'insitechart_detector_anomaly_score',
    help: `Latest anomaly score in [0, 1] of the ${String(cap)} highest-scored watched series (series: its key)`,
    labelNames: ['series', 'source'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const t of highestScored(watcher, cap))
        this.set({ series: t.key, source: t.source }, Math.min(1, Math.max(0, t.last?.score ?? 0)));
    },
  });
}
