import type { SloDefinition } from '../model.ts';

export const apiAvailability: SloDefinition = {
  name: 'api-availability',
  alertName: 'ApiAvailabilityBudgetBurn',
  title: 'API availability',
  description: '99.9% of REST API requests answer without a 5xx.',
  service: 'http',
  objective: 0.999,
  sli: {
    kind: 'ratio',
    counter: 'insitechart_http_request_duration_seconds_count',
    selector: 'route=~"/api/.+"',
    bad: 'status_code=~"5.."',
  },
  detector: {
    total: 'insitechart_http_request_duration_seconds_count_rate{route=~"/api/.+"}',
    bad: 'insitechart_http_request_duration_seconds_count_rate{route=~"/api/.+",status_code=~"5.."}',
  },
  runbook: {
    impact: 'Users see failed quotes, charts, searches or alert pages: the web app shows errors or stale data.',
    diagnosis: [
      {
        what: 'Which routes fail',
        expr: 'topk(5, sum by (route) (rate(insitechart_http_request_duration_seconds_count{status_code=~"5.."}[5m])))',
      },
      {
        what: 'Is a dependency of those routes down (backbone lag, feed)',
        expr: 'max by (group, topic) (insitechart_bus_consumer_lag_events)',
      },
    ],
    mitigation: [
      'Find the failing routes ("Which routes fail"); open a failing request\'s trace from the "Latency by route" panel\'s exemplars.',
      'If one deployment started it, roll it back (the canary workflow keeps the previous image).',
      "If a dependency is down, follow its own alert's runbook; shed load by scaling the failing service out.",
    ],
    remediation: 'None yet: the remediation engine restarts a service only on InstanceDown.',
    escalation:
      'Page the platform on-call at once for the page severity; a ticket burn goes to the owning team by the next working day.',
  },
};
