import type { SloDefinition } from '../model.ts';

const requests = 'insitechart_http_request_duration_seconds';
const api = 'route=~"/api/.+"';

export const apiLatency: SloDefinition = {
  name: 'api-latency',
  alertName: 'ApiLatencyBudgetBurn',
  title: 'API latency',
  description: '99% of REST API requests answer within 250 ms.',
  service: 'http',
  objective: 0.99,
  sli: { kind: 'latency', histogram: requests, selector: api, thresholdSeconds: 0.25 },
  runbook: {
    impact: 'Charts, quotes and analytics load slowly; the web app feels stuck.',
    diagnosis: [
      {
        what: 'p99 per route',
        expr: `histogram_quantile(0.99, sum by (route, le) (rate(${requests}_bucket{${api}}[5m])))`,
      },
      { what: 'Event-loop lag (CPU-bound work on the request path)', expr: 'max(nodejs_eventloop_lag_p99_seconds)' },
      { what: 'Request rate (load or slowness?)', expr: `sum(rate(${requests}_count{${api}}[5m]))` },
    ],
    mitigation: [
      'Open a slow request\'s trace from the exemplars of the "Latency by route" panel and find the span that takes the time.',
      'Load: scale the service out. Slowness at the same load: look for a deployment or a slow dependency.',
      'Heavy analytics requests: lower the analytics work caps until the cause is fixed.',
    ],
    remediation: 'None: latency has no automatic action.',
    escalation: 'Page severity: platform on-call now. Ticket severity: the API owners by the next working day.',
  },
};
