import { toError } from '../platform/async/to-error.ts';
import type { TopicInput } from '../platform/backbone/topics.ts';
import type { Service, ServiceContext } from '../platform/runtime/service.ts';
import type { PrecursorPredictor } from './failure/index.ts';
import { seriesKey, type SeriesDetector, type SeriesLabels } from './series.ts';
import { loadDetectorConfig, type DetectorConfig } from './service/config.ts';
import { gateStep, newGateState, RateBudget } from './service/gate.ts';
import { LearnedFamilies } from './service/learned-families.ts';
import { BandHistory } from './service/bands.ts';
import { registerServiceCounters, registerWatcherMetrics } from './service/metrics.ts';
import { grafanaFromEnv, mountOpsRoutes } from './service/ops-routes.ts';
import { describeDetectorRoutes } from './service/openapi.ts';
import { openApi } from '../platform/http/openapi.ts';
import { PrecursorWatch, precursorDetection } from './service/precursor.ts';
import { SloWatch, sloDetection } from './service/slo.ts';
import { StartupWatch } from './service/startup.ts';
import { mountDetectorRoutes, type RecentDetection, type SourceStatus } from './service/routes.ts';
import { Triage, type TriagedFinding } from './service/triage.ts';
import { SeriesWatcher, toDetection } from './service/watcher.ts';
import { InProcessSource } from './sources/in-process.ts';
import { OtlpSource } from './sources/otlp.ts';
import { PrometheusSource } from './sources/prometheus.ts';
import type { SeriesStore } from '../platform/series/series-store.ts';
import { matches, type MetricSource } from './sources/source.ts';

export interface DetectorServiceOptions {
  /** Settings; read from the environment (DETECTOR_*) at start when absent. */
  readonly config?: DetectorConfig;
  /** The OTLP receiver (collectors/otlp/service.ts), started first, when the 'otlp' source is configured. */
  readonly otlp?: { readonly store: SeriesStore };
  /** Replaces the sources built from the configuration (tests, embedding). */
  readonly sources?: (ctx: ServiceContext, config: DetectorConfig) => readonly MetricSource[];
  /** A detector per series; default the combined streaming anomaly detector. */
  readonly detectorFor?: (labels: SeriesLabels) => SeriesDetector;
  readonly now?: () => number;
  /** Loads the learned precursor model; default: the newest one trained into DATA_DIR (none: no predictions). */
  readonly loadPrecursor?: (
    dataDir: string,
  ) => Promise<{ readonly predictor: PrecursorPredictor; readonly version?: number } | undefined>;
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
          labels: { service: ctx.config.serviceName },
          onError: (error) => {
            ctx.logger.warn({ err: error }, 'sampling the metrics registry failed');
          },
        });
      case 'prometheus':
        if (config.prometheus === undefined) throw new Error('the prometheus source needs DETECTOR_PROMETHEUS_URL');
        return new PrometheusSource(config.prometheus);
      case 'otlp':
        if (options.otlp === undefined)
          throw new Error('the otlp source needs the OTLP receiver (otlpReceiverService) in the same process');
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
  let precursorTimer: NodeJS.Timeout | undefined;
  let precursorStep: Promise<void> = Promise.resolve();
  let precursorWatch: PrecursorWatch | undefined;
  return {
    name: 'detectors',
    start(ctx: ServiceContext) {
      const config = options.config ?? loadDetectorConfig();
      const now = options.now ?? Date.now;
      const { bus, logger } = ctx;
      sources = options.sources?.(ctx, config) ?? buildSources(ctx, config, options);
      const families = new LearnedFamilies();
      if (options.detectorFor === undefined) {
        families.load(ctx.config.dataDir).then(
          (loaded) => {
            if (loaded.length > 0)
              logger.info({ families: loaded }, 'learned forecasters loaded for the anomaly detectors');
          },
          (error: unknown) => {
            logger.error({ err: error }, 'learned forecasters could not be loaded; statistical views only');
          },
        );
      }
      const bands = new BandHistory();
      const watcher = new SeriesWatcher({
        limit: config.seriesLimit,
        gate: config.gate,
        detectorFor: (labels) =>
          bands.wrap(seriesKey(labels), options.detectorFor?.(labels) ?? families.detectorFor(labels)),
      });
      const budget = new RateBudget(config.maxDetectionsPerMinute, now());
      const recent: RecentDetection[] = [];
      const status = new Map<string, SourceStatus>(
        sources.map((s) => [
          s.name,
          { name: s.name, lastPollAt: undefined, lastError: undefined, polls: 0, failures: 0, points: 0 },
        ]),
      );
      const cursor = new Map<string, number>(sources.map((s) => [s.name, Number.NEGATIVE_INFINITY]));
      const { points, polls, pollSeconds, detections, triaged } = registerServiceCounters(ctx.metrics);
      registerWatcherMetrics(ctx.metrics, watcher);

      const publish = async (data: TopicInput<'detections'>, key: string, from: string): Promise<void> => {
        if (!budget.take(now())) {
          detections.inc({ outcome: 'rate_limited' });
          return;
        }
        try {
          const envelope = await bus.publish('detections', { key, data, source: `detectors/${from}` });
          detections.inc({ outcome: 'published' });
          recent.push({ id: envelope.id, source: from, detection: envelope.data });
          if (recent.length > RECENT) recent.splice(0, recent.length - RECENT);
        } catch (error) {
          detections.inc({ outcome: 'failed' });
          logger.error({ err: error, series: key }, 'publishing a detection failed');
        }
      };

      const triage = new Triage(config.strainGraceMs);
      const publishFinding = ({ finding, meaning }: TriagedFinding): Promise<void> => {
        bands.keep(finding.tracked.key);
        return publish(
          toDetection(finding, watcher.related(finding.tracked, finding.ts, RELATED_WINDOW_MS), meaning),
          finding.tracked.key,
          finding.tracked.source,
        );
      };

      // SLO burn: every new point of the watched rate series integrated into counts, recorded after every poll.
      const slos = config.slos.map((binding) => ({ watch: new SloWatch(binding), gate: newGateState() }));
      // What a process sampled before it was ready is its own start-up: left out (service/startup.ts).
      const startup = new StartupWatch(config.startupGraceMs);
      const pollSource = async (source: MetricSource): Promise<void> => {
        const st = status.get(source.name);
        const end = pollSeconds.startTimer({ source: source.name });
        try {
          const since = cursor.get(source.name) ?? Number.NEGATIVE_INFINITY;
          const found = await source.poll(
            since,
            AbortSignal.any([abort.signal, AbortSignal.timeout(Math.max(config.pollIntervalMs * 3, 30_000))]),
          );
          let newest = since;
          let n = 0;
          startup.observe(found);
          for (const all of found) {
            for (const p of all.points) newest = Math.max(newest, p.ts);
            const series = startup.admit(all);
            if (series === undefined || !matches(series.labels, config.watch)) continue;
            for (const slo of slos) slo.watch.integrate(series);
            const findings = watcher.ingest(source.name, series);
            n += series.points.length;
            for (const finding of findings) {
              const { outcome, publish: ready } = triage.admit(finding);
              triaged.inc({ outcome });
              if (ready !== undefined) await publishFinding(ready);
            }
          }
          for (const strain of triage.release(now())) {
            triaged.inc({ outcome: 'strain' });
            await publishFinding(strain);
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

      // The learned precursor model, when one was trained: sampled from the watched series every model step.
      let precursorProblem: string | undefined = config.precursor.enabled
        ? 'loading'
        : 'disabled (DETECTOR_PRECURSOR=off)';
      let precursorVersion: number | undefined;
      const precursorGate = newGateState();
      if (config.precursor.enabled) {
        const load =
          options.loadPrecursor ??
          (async (dir: string) =>
            (await import('./failure/index.ts'))
              .loadPrecursor(dir)
              .then((m) => (m === undefined ? undefined : { predictor: m.predictor, version: m.manifest.version })));
        void load(ctx.config.dataDir).then(
          (loaded) => {
            if (abort.signal.aborted) return;
            if (loaded === undefined) {
              precursorProblem = `no precursor model trained in ${ctx.config.dataDir} (npm run train -- precursor)`;
              logger.info(precursorProblem);
              return;
            }
            precursorProblem = undefined;
            precursorVersion = loaded.version;
            const watch = new PrecursorWatch(loaded.predictor, config.precursor.channels);
            precursorWatch = watch;
            const { predictor } = loaded;
            precursorTimer = setInterval(() => {
              precursorStep = (async () => {
                const at = now();
                const state = watch.step(at, (m) =>
                  watcher.currentValues(m, at - 3 * Math.max(config.pollIntervalMs, predictor.stepMs)),
                );
                const p = state.prediction;
                if (p === undefined) return;
                const decision = gateStep(precursorGate, p.alert ? 1 : 0, at, {
                  ...config.gate,
                  enter: 0.5,
                  exit: 0.5,
                });
                if (decision !== 'onset' && decision !== 'repeat') return;
                const related = p.drivers.flatMap((d) => {
                  const binding = watch.bindings.find((b) => b.channel === d.channel);
                  return binding === undefined ? [] : watcher.list(binding.matchers, { limit: 1 }).map((t) => t.labels);
                });
                await publish(
                  precursorDetection(ctx.config.serviceName, predictor, p, at, related.slice(0, 5)),
                  `incident_precursor/${ctx.config.serviceName}`,
                  'precursor',
                );
              })().catch((error: unknown) => {
                logger.error({ err: error }, 'precursor step failed');
              });
            }, predictor.stepMs);
            precursorTimer.unref();
            logger.info(
              {
                version: loaded.version,
                stepMs: predictor.stepMs,
                horizonMs: predictor.horizonMs,
                channels: config.precursor.channels.map((b) => b.channel),
              },
              'precursor model loaded',
            );
          },
          (error: unknown) => {
            precursorProblem = `the precursor model could not be loaded: ${toError(error).message}`;
            logger.error(
              { err: error },
              'the precursor model could not be loaded; running without incident prediction',
            );
          },
        );
      }
      const precursorStatus = () => {
        const watch = precursorWatch;
        if (watch === undefined) return { enabled: false, reason: precursorProblem };
        const { predictor } = watch;
        return {
          enabled: true,
          version: precursorVersion ?? null,
          stepMs: predictor.stepMs,
          horizonMs: predictor.horizonMs,
          threshold: predictor.threshold,
          historySteps: predictor.historySteps,
          channels: watch.bindings.map((b) => b.channel),
          alerting: precursorGate.active,
          last: watch.last ?? null,
        };
      };

      const stepSlos = async (): Promise<void> => {
        const at = now();
        for (const slo of slos) {
          const status = slo.watch.step(at);
          if (status === undefined) continue;
          const decision = gateStep(slo.gate, status.alerts.length > 0 ? 1 : 0, at, {
            ...config.gate,
            enter: 0.5,
            exit: 0.5,
          });
          if (decision !== 'onset' && decision !== 'repeat') continue;
          const data = sloDetection(
            slo.watch.binding,
            status,
            watcher.list(slo.watch.binding.bad, { limit: 3 }).map((t) => t.labels),
          );
          if (data !== undefined) await publish(data, `slo/${slo.watch.binding.name}`, 'slo');
        }
      };
      const sloStatus = () =>
        slos.map((s) => ({
          name: s.watch.binding.name,
          objective: s.watch.binding.objective,
          alerting: s.gate.active,
          status: s.watch.last ?? null,
        }));

      for (const source of sources) source.start?.();
      mountDetectorRoutes(ctx.api, {
        watcher,
        sources,
        status,
        recent: () => recent,
        now,
        precursor: precursorStatus,
        slos: sloStatus,
      });
      describeDetectorRoutes(openApi);
      mountOpsRoutes(ctx.api, {
        recent: () => recent,
        watcher,
        sources,
        bands,
        now,
        slos: sloStatus,
        grafanaUrl: grafanaFromEnv(process.env),
        meter: config.sources.includes('in-process') ? { registry: ctx.metrics, signal: abort.signal } : undefined,
      });
      loop = (async () => {
        while (!abort.signal.aborted) {
          await Promise.all(sources.map(pollSource));
          await stepSlos().catch((error: unknown) => {
            logger.error({ err: error }, 'SLO evaluation failed');
          });
          for (const page of startup.pages(now(), config.gate)) await publish(page, seriesKey(page.series), 'startup');
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, config.pollIntervalMs);
            abort.signal.addEventListener(
              'abort',
              () => {
                clearTimeout(timer);
                resolve();
              },
              { once: true },
            );
          });
        }
      })();
      logger.info(
        { sources: sources.map((s) => s.name), pollIntervalMs: config.pollIntervalMs, seriesLimit: config.seriesLimit },
        'detector service started',
      );
      return Promise.resolve();
    },
    async stop() {
      abort.abort();
      clearInterval(precursorTimer);
      await Promise.all([loop, precursorStep]);
      precursorWatch?.predictor.dispose();
      await Promise.all(sources.map((s) => s.stop?.() ?? Promise.resolve()));
    },
  };
}
