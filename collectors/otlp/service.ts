import { Counter } from 'prom-client';
import { SeriesStore } from '../../platform/series/series-store.ts';
import type { Service, ServiceContext } from '../../platform/runtime/service.ts';
import { loadOtlpConfig, type OtlpConfig } from './config.ts';
import { MetricsConverter } from './metrics.ts';
import { createOtlpRouter } from './receiver.ts';
import { SignalAggregator } from './signals.ts';
import { traceGraphExtractors } from './trace-graph.ts';

/**
 * The OTLP/HTTP receiver as a platform service: mounts /v1/metrics, /v1/traces and /v1/logs at the root
 * of the platform's HTTP server (the paths OTLP exporters use by default), writes metric samples to the
 * store at once, and every window turns the spans and log records received into RED and count series.
 */
export interface OtlpReceiverService extends Service {
  /** The series the receiver fills, read by the detector tier's OTLP source; there once the service started. */
  readonly store: SeriesStore;
}

/** Failed-request paths per event on the bus (its schema takes 10,000). */
const pathsPerEvent = 5_000;

export function otlpReceiverService(options: { config?: OtlpConfig } = {}): OtlpReceiverService {
  let timer: NodeJS.Timeout | undefined;
  let store: SeriesStore | undefined;
  return {
    name: 'otlp-receiver',
    get store(): SeriesStore {
      if (store === undefined)
        throw new Error('the OTLP receiver has not started: start otlp-receiver before the services that read it');
      return store;
    },
    start(ctx: ServiceContext) {
      const config = options.config ?? loadOtlpConfig();
      const series = new SeriesStore({ maxSeries: config.maxSeries, pointsPerSeries: config.pointsPerSeries });
      store = series;
      const requests = new Counter({
        name: 'insitechart_otlp_requests_total',
        help: 'OTLP export requests by signal, encoding and HTTP status',
        labelNames: ['signal', 'encoding', 'status'] as const,
        registers: [ctx.metrics],
      });
      const items = new Counter({
        name: 'insitechart_otlp_items_total',
        help: 'OTLP data points, spans and log records received by signal and outcome (accepted, rejected)',
        labelNames: ['signal', 'outcome'] as const,
        registers: [ctx.metrics],
      });
      const { edges, failures, hosts, onSpan } = traceGraphExtractors(() => Date.now());
      const aggregator = new SignalAggregator({ maxKeys: config.maxSeries, now: Date.now(), onSpan });
      // The service graph goes on the bus: the alert correlator groups alerts of services that call each other,
      // and of services whose requests failed at the same place.
      const publishEdges = (): void => {
        const drained = edges.drain();
        const addresses = hosts.drain();
        // A trace is complete once it has been quiet for a window.
        const errors = failures.drain(Date.now() - config.windowMs);
        for (let i = 0; i === 0 || i < errors.length; i += pathsPerEvent) {
          const chunk = errors.slice(i, i + pathsPerEvent);
          const first = i === 0;
          const data = {
            edges: first ? drained : [],
            errors: chunk,
            hosts: first ? addresses : [],
            windowMs: config.windowMs,
          };
          if (data.edges.length === 0 && chunk.length === 0 && data.hosts.length === 0) return;
          ctx.bus.publish('traces.service-graph', { key: 'otlp-receiver', data }).catch((error: unknown) => {
            ctx.logger.warn({ err: error }, 'service graph: a window of calls could not be published');
          });
        }
      };
      const append = (
        samples: readonly { labels: Record<string, string>; point: { ts: number; value: number } }[],
      ): void => {
        for (const s of samples) series.append(s.labels, s.point);
      };
      ctx.site.use(
        createOtlpRouter({
          limits: config,
          converter: new MetricsConverter({ maxStates: config.maxSeries }),
          aggregator,
          sink: append,
          observer: {
            request: (signal, encoding, status) => {
              requests.inc({ signal, encoding, status: String(status) });
            },
            items: (signal, accepted, rejected) => {
              items.inc({ signal, outcome: 'accepted' }, accepted);
              if (rejected > 0) items.inc({ signal, outcome: 'rejected' }, rejected);
            },
          },
        }),
      );
      timer = setInterval(() => {
        append(aggregator.flush(Date.now()));
        publishEdges();
      }, config.windowMs);
      timer.unref();
      ctx.logger.info(
        {
          paths: ['/v1/metrics', '/v1/traces', '/v1/logs'],
          windowMs: config.windowMs,
          maxBodyBytes: config.maxBodyBytes,
        },
        'OTLP/HTTP receiver mounted',
      );
      return Promise.resolve();
    },
    stop() {
      clearInterval(timer);
      return Promise.resolve();
    },
  };
}
