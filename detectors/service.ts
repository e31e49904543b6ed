import { Counter, Gauge, Histogram } from 'prom-client';
import { toError } from '../platform/async/to-error.ts';
import type { Service, ServiceContext } from '../platform/runtime/service.ts';
import { createAnomalyDetector } from './anomaly/index.ts';
import type { SeriesDetector, SeriesLabels } from './series.ts';
import { loadDetectorConfig, type DetectorConfig } from './service/config.ts';
import { RateBudget } from './service/gate.ts';
import { mountDetectorRoutes, type RecentDetection, type SourceStatus } from './service/routes.ts';
import { SeriesWatcher, toDetection } from './service/watcher.ts';
import { InProcessSource } from './sources/in-process.ts';
import { OtlpSource } from './sources/otlp.ts';
import { PrometheusSource } from './sources/prometheus.ts';
import type { SeriesStore } from './sources/series-store.ts';
import { matches, type MetricSource } from './sources/source.ts';

export interface DetectorServiceOptions {
  /** Settings; read from the environment (DETECTOR_*) at start when absent. */
  readonly config?: DetectorConfig;
  /** The OTLP receiver (collectors/otlp/service.ts), started before this service, when the 'otlp' source is configured. */
  readonly otlp?: { readonly store: SeriesStore };
  /** Replaces the sources built from the configuration (tests, embedding). */
  readonly sources?: (ctx: ServiceContext, config: DetectorConfig) => readonly MetricSource[];
  /** A detector per series; default the combined streaming anomaly detector. */
  readonly detectorFor?: (labels: SeriesLabels) => SeriesDetector;
  readonly now?: () => number;
}

/** Detections kept for the REST API. */
const RECENT = 500;
/** Anomalies whose onsets are this close count as related. */
const RELATED_WINDOW_MS = 5 * 60_000;

function buildSources(ctx: ServiceContext, config: DetectorConfig, options: DetectorServiceOptions): MetricSource[] {
  return config.sources.map((name): MetricSource => {
    switch (name) {
      case 'in-process':
        return new InProcessSource({
          registry: ctx.metrics,
          intervalMs: config.sampleIntervalMs,
          maxSeries: config.seriesLimit,
          pointsPerSeries: config.pointsPerSeries,
          onError: (error) => { ctx.logger.warn({ err: error }, 'sampling the metrics registry failed'); },
        });
      case 'prometheus':
        if (config.prometheus === undefined) throw new Error('the prometheus source needs DETECTOR_PROMETHEUS_URL');
        return new PrometheusSource(config.prometheus);
      case 'otlp':
        if (options.otlp === undefined) throw new Error('the otlp source needs the OTLP receiver (otlpReceiverService) in the same process');
        return new OtlpSource({ store: options.otlp.store });
    }
  });
}

/**
 * The detector tier as a service: polls its metric sources, runs a streaming detector on every series
 * (a bounded LRU set), and publishes what it finds on the `detections` topic, with hysteresis per series
 * and a global rate limit. REST under /api/detectors; metrics `insitechart_detector_*`.
 */
export function detectorService(options: DetectorServiceOptions = {}): Service {
  const abort = new AbortController();
  let loop: Promise<void> = Promise.resolve();
  let sources: readonly MetricSource[] = [];
  return {
    name: 'detectors',
    start(ctx: ServiceContext) {
      const config = options.config ?? loadDetectorConfig();
      const now = options.now ?? Date.now;
      const { bus, logger } = ctx;
      sources = options.sources?.(ctx, config) ?? buildSources(ctx, config, options);
      const watcher = new SeriesWatcher({ limit: config.seriesLimit, gate: config.gate, detectorFor: options.detectorFor ?? (() => createAnomalyDetector()) });
      const budget = new RateBudget(config.maxDetectionsPerMinute, now());
      const recent: RecentDetection[] = [];
      const status = new Map<string, SourceStatus>(sources.map((s) => [s.name, { name: s.name, lastPollAt: undefined, lastError: undefined, polls: 0, failures: 0, points: 0 }]));
      const cursor = new Map<string, number>(sources.map((s) => [s.name, Number.NEGATIVE_INFINITY]));

      const points = new Counter({ name: 'insitechart_detector_points_total', help: 'Points scored by the detectors, by source', labelNames: ['source'] as const, registers: [ctx.metrics] });
      const polls = new Counter({ name: 'insitechart_detector_polls_total', help: 'Source polls by source and outcome', labelNames: ['source', 'outcome'] as const, registers: [ctx.metrics] });
      const pollSeconds = new Histogram({ name: 'insitechart_detector_poll_duration_seconds', help: 'Time to poll a source and score its new points', labelNames: ['source'] as const, buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30], registers: [ctx.metrics] });
      const detections = new Counter({ name: 'insitechart_detector_detections_total', help: 'Detections by outcome: published, rate_limited, failed', labelNames: ['outcome'] as const, registers: [ctx.metrics] });
      new Gauge({
        name: 'insitechart_detector_series_watched',
        help: 'Series watched by the detectors, and how many are anomalous now',
        labelNames: ['state'] as const,
        registers: [ctx.metrics],
        collect() {
          this.set({ state: 'all' }, watcher.size);
          this.set({ state: 'anomalous' }, watcher.anomalousCount());
        },
      });
      new Gauge({ name: 'insitechart_detector_series_evicted', help: 'Series forgotten for the series limit since start', registers: [ctx.metrics], collect() { this.set(watcher.evicted); } });

      const pollSource = async (source: MetricSource): Promise<void> => {
        const st = status.get(source.name);
        const end = pollSeconds.startTimer({ source: source.name });
        try {
          const since = cursor.get(source.name) ?? Number.NEGATIVE_INFINITY;
          const found = await source.poll(since, AbortSignal.any([abort.signal, AbortSignal.timeout(Math.max(config.pollIntervalMs * 3, 30_000))]));
          let newest = since;
          let n = 0;
          for (const series of found) {
            if (!matches(series.labels, config.watch)) continue;
            const findings = watcher.ingest(source.name, series);
            for (const p of series.points) newest = Math.max(newest, p.ts);
            n += series.points.length;
            for (const finding of findings) {
              if (!budget.take(now())) {
                detections.inc({ outcome: 'rate_limited' });
                continue;
              }
              const data = toDetection(finding, watcher.related(finding.tracked, finding.ts, RELATED_WINDOW_MS));
              try {
                const envelope = await bus.publish('detections', { key: finding.tracked.key, data, source: `detectors/${source.name}` });
                detections.inc({ outcome: 'published' });
                recent.push({ id: envelope.id, source: source.name, detection: envelope.data });
                if (recent.length > RECENT) recent.splice(0, recent.length - RECENT);
              } catch (error) {
                detections.inc({ outcome: 'failed' });
                logger.error({ err: error, series: finding.tracked.key }, 'publishing a detection failed');
              }
            }
          }
          cursor.set(source.name, newest);
          points.inc({ source: source.name }, n);
          polls.inc({ source: source.name, outcome: 'ok' });
          if (st !== undefined) {
            st.polls++;
            st.points += n;
            st.lastPollAt = now();
            st.lastError = undefined;
          }
        } catch (error) {
          if (abort.signal.aborted) return;
          polls.inc({ source: source.name, outcome: 'error' });
          if (st !== undefined) {
            st.failures++;
            st.lastError = toError(error).message;
          }
          logger.warn({ err: error, source: source.name }, 'polling a metric source failed; retrying next interval');
        } finally {
          end();
        }
      };

      for (const source of sources) source.start?.();
      mountDetectorRoutes(ctx.api, { watcher, sources, status, recent: () => recent, now });
      loop = (async () => {
        while (!abort.signal.aborted) {
          await Promise.all(sources.map(pollSource));
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, config.pollIntervalMs);
            abort.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
          });
        }
      })();
      logger.info({ sources: sources.map((s) => s.name), pollIntervalMs: config.pollIntervalMs, seriesLimit: config.seriesLimit }, 'detector service started');
      return Promise.resolve();
    },
    async stop() {
      abort.abort();
      await loop;
      await Promise.all(sources.map((s) => s.stop?.() ?? Promise.resolve()));
    },
  };
}
