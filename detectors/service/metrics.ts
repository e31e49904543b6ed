import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
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

/** The service's counters: points scored, polls and their time, detections and findings by outcome. */
export function registerServiceCounters(registry: Registry) {
  return {
    points: new Counter({
      name: 'insitechart_detector_points_total',
      help: 'Points scored by the detectors, by source',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    polls: new Counter({
      name: 'insitechart_detector_polls_total',
      help: 'Source polls by source and outcome',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    pollSeconds: new Histogram({
      name: 'insitechart_detector_poll_duration_seconds',
      help: 'Time to poll a source and score its new points',
      labelNames: ['source'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
      registers: [registry],
    }),
    detections: new Counter({
      name: 'insitechart_detector_detections_total',
      help: 'Detections by outcome: published, rate_limited, failed',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    triaged: new Counter({
      name: 'insitechart_detector_findings_total',
      help: 'Anomalous findings by what their series means: symptom and strain published, held, context, harmless',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}
