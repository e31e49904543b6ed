import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventBus } from '../backbone/bus.ts';
import type { BusMetrics } from '../backbone/instrumented-bus.ts';
import { EventLoopDelayWindow, registerEventLoopDelay } from './event-loop-delay.ts';
import type { LogSink } from './logs/log-sink.ts';
import { ProcessReadiness, registerReadiness } from './readiness.ts';

export interface PlatformMetrics {
  readonly registry: Registry;
  /** RED per route: rate and errors from the count by status, duration from the histogram. */
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly bus: BusMetrics;
  /** The process's phase, exported as `insitechart_process_ready` (the platform moves it; see readiness.ts). */
  readonly readiness: ProcessReadiness;
  /** Reports consumer lag per group, topic and partition of this bus at every scrape. */
  watchLag(bus: EventBus): void;
  /** Reports the log sink's buffer and delivery counts at every scrape. */
  watchLogSink(sink: LogSink): void;
}

/** One prom-client registry per platform process, served at /metrics. */
/** `eventLoopWindowMs`: the window the event-loop delay gauges describe (see event-loop-delay.ts). */
export function createMetrics(prefix = 'insitechart_', eventLoopWindowMs = 1_000): PlatformMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // These gauges break Prometheus naming (a _total suffix on a non-counter: promtool rejects them) and
  // only sum the per-type gauges nodejs_active_{handles,requests,resources}, which stay.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
    registry.removeSingleMetric(name);
  registerEventLoopDelay(registry, new EventLoopDelayWindow(eventLoopWindowMs));
  const readiness = new ProcessReadiness();
  registerReadiness(registry, readiness);
  const httpRequestDuration = new Histogram({
    name: `${prefix}http_request_duration_seconds`,
    help: 'HTTP requests by method, matched route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const published = new Counter({
    name: `${prefix}bus_events_published_total`,
    help: 'Events published on the backbone by topic and outcome',
    labelNames: ['topic', 'outcome'] as const,
    registers: [registry],
  });
  const consumed = new Counter({
    name: `${prefix}bus_events_consumed_total`,
    help: 'Event deliveries handled by topic, consumer group and outcome',
    labelNames: ['topic', 'group', 'outcome'] as const,
    registers: [registry],
  });
  const handleDuration = new Histogram({
    name: `${prefix}bus_handler_duration_seconds`,
    help: 'Time consumers spent handling an event, by topic and group',
    labelNames: ['topic', 'group'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  const watched: EventBus[] = [];
  new Gauge({
    name: `${prefix}bus_consumer_lag_events`,
    help: 'Events published but not yet committed, by consumer group, topic and partition',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const bus of watched) {
        const lags = await bus.lag().catch(() => []);
        for (const l of lags) this.set({ group: l.group, topic: l.topic, partition: String(l.partition) }, l.lag);
      }
    },
  });
  const sinks: LogSink[] = [];
  new Gauge({
    name: `${prefix}log_sink_records`,
    help: 'Log records of the Elasticsearch sink by state: buffered now; sent, dropped since start',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const sink of sinks) {
        const stats = sink.stats();
        this.inc({ state: 'buffered' }, stats.buffered);
        this.inc({ state: 'sent' }, stats.sent);
        this.inc({ state: 'dropped' }, stats.dropped);
      }
    },
  });
  return {
    registry,
    httpRequestDuration,
    readiness,
    bus: {
      published: (topic, outcome) => {
        published.inc({ topic, outcome });
      },
      consumed: (topic, group, outcome, seconds) => {
        consumed.inc({ topic, group, outcome });
        handleDuration.observe({ topic, group }, seconds);
      },
    },
    watchLag: (bus) => {
      watched.push(bus);
    },
    watchLogSink: (sink) => {
      sinks.push(sink);
    },
  };
}
