import type { PlatformAlert } from '../model.ts';
import { defineAlert } from './define.ts';

const requests = 'insitechart_http_request_duration_seconds';

export const httpAlerts: readonly PlatformAlert[] = [
  defineAlert({
    name: 'InstanceDown',
    service: 'platform',
    severity: 'critical',
    expr: 'up{job=~"insitechart.*"} == 0',
    for: '1m',
    summary: '{{ $labels.instance }} is not answering scrapes',
    runbook: {
      whatFired: 'Prometheus could not scrape an InsiteChart process for a minute (`up == 0`).',
      impact: 'Whatever that process serves is down or unobserved: quotes, charts, alerts or detections.',
      diagnosis: [
        { what: 'Which instances are down', expr: 'up{job=~"insitechart.*"} == 0' },
        { what: 'Did it restart recently', expr: 'time() - process_start_time_seconds' },
      ],
      panels: [{ dashboard: 'insitechart-overview', panel: 'Instances up' }],
      mitigation: [
        'Check the pod or process: `kubectl -n insitechart get pods`, its last logs and exit code.',
        'Exit code 2 is a configuration error named in the log: fix the variable and redeploy.',
        'Crash loop after a deployment: roll back (`.github/workflows/deploy.yml` keeps the previous image).',
      ],
      remediation: 'Kubernetes restarts a failing pod (liveness probe /healthz); nothing else is automatic.',
      escalation: 'Page the platform on-call at once; after 15 minutes without a cause, the service owner.',
    },
  }),
  defineAlert({
    name: 'HighErrorRate',
    service: 'http',
    severity: 'error',
    expr: `sum by (job, route) (rate(${requests}_count{status_code=~"5.."}[5m]))\n  / sum by (job, route) (rate(${requests}_count[5m])) > 0.05`,
    for: '5m',
    summary: 'More than 5% of {{ $labels.route }} requests fail',
    runbook: {
      whatFired: "More than 5% of one route's requests answered 5xx for 5 minutes.",
      impact: 'The feature behind that route fails for users (a view shows an error or stale data).',
      diagnosis: [
        {
          what: 'Error ratio by route',
          expr: `sum by (route) (rate(${requests}_count{status_code=~"5.."}[5m])) / sum by (route) (rate(${requests}_count[5m]))`,
        },
        {
          what: 'Status codes of the failing route',
          expr: `sum by (route, status_code) (rate(${requests}_count[5m]))`,
        },
      ],
      panels: [
        { dashboard: 'insitechart-overview', panel: 'Errors by route' },
        { dashboard: 'insitechart-overview', panel: 'Logs' },
      ],
      mitigation: [
        'Read the error logs of the route (Logs panel, filter on the route) and open a failing trace.',
        'A dependency down (backbone, database, upstream feed): follow its own alert.',
        'A bad deployment: roll back.',
      ],
      remediation: 'None.',
      escalation: 'The owning service team within an hour; the platform on-call if the API SLO burns too.',
    },
  }),
  defineAlert({
    name: 'HighLatency',
    service: 'http',
    severity: 'warning',
    expr: `histogram_quantile(0.99, sum by (job, route, le) (rate(${requests}_bucket[5m]))) > 1`,
    for: '10m',
    summary: 'p99 latency of {{ $labels.route }} is above 1 s',
    runbook: {
      whatFired: "The 99th percentile of one route's latency stayed above 1 s for 10 minutes.",
      impact: 'That view loads slowly; live features may time out.',
      diagnosis: [
        { what: 'p99 by route', expr: `histogram_quantile(0.99, sum by (route, le) (rate(${requests}_bucket[5m])))` },
        { what: 'Request rate (load or slowness)', expr: `sum by (route) (rate(${requests}_count[5m]))` },
        { what: 'Event-loop lag', expr: 'max(nodejs_eventloop_lag_p99_seconds)' },
      ],
      panels: [
        { dashboard: 'insitechart-overview', panel: 'Latency by route' },
        { dashboard: 'insitechart-overview', panel: 'Event-loop lag' },
      ],
      mitigation: [
        'Open a slow request\'s trace from the exemplars of "Latency by route": which span takes the time?',
        'CPU saturation: scale out, or move heavy work (analytics) off the request path.',
        'A slow dependency: check its alerts; raise timeouts only with a reason.',
      ],
      remediation: 'None.',
      escalation: 'Ticket to the owning team; page only if the API latency SLO burns.',
    },
  }),
];
