import { m, type DashboardSpec } from '../lib/spec.ts';

const requests = 'insitechart_http_request_duration_seconds_count';

export const security: DashboardSpec = {
  uid: 'insitechart-security',
  title: 'InsiteChart / Security',
  description: 'Sign-in failures and refused requests (401, 403, 429).',
  tags: ['security'],
  rows: [
    {
      title: 'Refused requests',
      panels: [
        {
          kind: 'timeseries',
          title: 'Unauthenticated (401)',
          description: 'Requests without valid credentials, by route.',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (route) (rate(${m(requests, 'status_code="401"')}[$__rate_interval]))`,
              legend: '{{route}}',
            },
          ],
          populated: 'on-activity',
        },
        {
          kind: 'timeseries',
          title: 'Forbidden (403)',
          description: 'Requests refused for lack of permission, by route.',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (route) (rate(${m(requests, 'status_code="403"')}[$__rate_interval]))`,
              legend: '{{route}}',
            },
          ],
          populated: 'on-activity',
        },
        {
          kind: 'timeseries',
          title: 'Rate limited (429)',
          description: 'Requests refused by rate limits, by route.',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (route) (rate(${m(requests, 'status_code="429"')}[$__rate_interval]))`,
              legend: '{{route}}',
            },
          ],
          populated: 'on-activity',
        },
        {
          kind: 'timeseries',
          title: 'Sign-in failures',
          description: 'Password sign-ins rejected or throttled per second, and lock-outs by scope.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (outcome) (rate(${m('insitechart_signin_attempts_total', 'outcome!="success"')}[$__rate_interval]))`,
              legend: '{{outcome}}',
            },
            {
              expr: `sum by (scope) (rate(${m('insitechart_signin_lockouts_total')}[$__rate_interval]))`,
              legend: 'lock-out {{scope}}',
            },
          ],
          populated: 'on-activity',
        },
        {
          kind: 'timeseries',
          title: 'Refused by access control',
          description: 'Requests refused by the identity layer by status (401, 403, 429) and kind of identity.',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (status, kind) (rate(${m('insitechart_http_refused_total')}[$__rate_interval]))`,
              legend: '{{status}} {{kind}}',
            },
          ],
          populated: 'on-activity',
        },
        {
          kind: 'timeseries',
          title: 'WebSocket refusals',
          description:
            'WebSocket upgrades refused (host, credentials, origin, connections) and connections closed for ' +
            'flooding (identity-rate), by reason.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (reason) (rate(${m('insitechart_ws_refused_total')}[$__rate_interval]))`,
              legend: '{{reason}}',
            },
          ],
          populated: 'on-activity',
        },
      ],
    },
    {
      title: 'Logs',
      panels: [
        {
          kind: 'logs',
          title: 'Refused requests log',
          description: 'Log lines of refused requests.',
          query: 'service.name:${service:lucene} AND http.response.status_code:(401 OR 403 OR 429)',
        },
      ],
    },
  ],
};
