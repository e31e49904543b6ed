import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * For tests of the SLO meter: the metrics the six SLOs read (platform/slo/definitions), registered on `registry` with
 * the names, labels and the threshold buckets the platform gives them.
 */
export function sloTestMetrics(registry: Registry) {
  const registers = [registry];
  return {
    http: new Histogram({
      name: 'insitechart_http_request_duration_seconds',
      help: 'h',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.05, 0.25, 1],
      registers,
    }),
    lag: new Histogram({
      name: 'insitechart_web_client_tick_lag_seconds',
      help: 'h',
      buckets: [0.25, 1, 5],
      registers,
    }),
    notify: new Histogram({
      name: 'insitechart_alert_notify_latency_seconds',
      help: 'h',
      labelNames: ['channel'],
      buckets: [5, 30, 120],
      registers,
    }),
    polls: new Counter({
      name: 'insitechart_detector_polls_total',
      help: 'h',
      labelNames: ['source', 'outcome'],
      registers,
    }),
    stale: new Gauge({ name: 'insitechart_feed_stale_symbols', help: 'h', labelNames: ['feed'], registers }),
    staleness: new Gauge({ name: 'insitechart_feed_staleness_seconds', help: 'h', labelNames: ['symbol'], registers }),
  };
}
