import { increase, m, type DashboardSpec } from '../lib/spec.ts';

export const alerting: DashboardSpec = {
  uid: 'insitechart-alerting',
  title: 'InsiteChart / Alerting',
  description: 'Alerts in, incidents, deliveries to on-call, and how fast pages land and are handled.',
  tags: ['alerts'],
  rows: [
    {
      title: 'Incidents',
      panels: [
        {
          kind: 'stat',
          title: 'Open incidents',
          description: 'Incidents not resolved yet.',
          unit: 'short',
          queries: [{ expr: `sum(${m('insitechart_alert_incidents_open')})`, legend: 'open' }],
          populated: 'always',
          width: 6,
        },
        {
          kind: 'timeseries',
          title: 'Alerts received',
          description: 'Alerts accepted per interval by ingest source.',
          unit: 'short',
          queries: [
            { expr: `sum by (source) (${increase('insitechart_alerts_received_total')})`, legend: '{{source}}' },
          ],
          populated: 'on-activity',
          width: 9,
        },
        {
          kind: 'timeseries',
          title: 'Suppressed pages',
          description: 'Alerts through the pipeline by outcome: deduplicated ones page nobody.',
          unit: 'short',
          queries: [
            { expr: `sum by (outcome) (${increase('insitechart_alerts_processed_total')})`, legend: '{{outcome}}' },
          ],
          populated: 'on-activity',
          width: 9,
        },
        {
          kind: 'timeseries',
          title: 'Time to acknowledge and resolve',
          description: 'p50 time from incident open to acknowledge and to resolve.',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.5, sum by (le) (${increase('insitechart_alert_incident_ack_seconds_bucket')}))`,
              legend: 'acknowledge p50',
            },
            {
              expr: `histogram_quantile(0.5, sum by (le) (${increase('insitechart_alert_incident_resolve_seconds_bucket')}))`,
              legend: 'resolve p50',
            },
          ],
          populated: 'pending-metric',
          width: 24,
        },
      ],
    },
    {
      title: 'Deliveries',
      panels: [
        {
          kind: 'timeseries',
          title: 'Deliveries by channel and outcome',
          description: 'Notification delivery attempts by channel and outcome.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (channel, outcome) (${increase('insitechart_alert_notifications_total')})`,
              legend: '{{channel}} {{outcome}}',
            },
          ],
          populated: 'on-activity',
          runbook: 'AlertDeliveryFailing',
        },
        {
          kind: 'timeseries',
          title: 'Notify latency',
          description: 'p50 and p99 from accepting an alert to its first notification.',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.99, sum by (le) (rate(${m('insitechart_alert_notify_latency_seconds_bucket')}[$__rate_interval])))`,
              legend: 'p99',
            },
            {
              expr: `histogram_quantile(0.5, sum by (le) (rate(${m('insitechart_alert_notify_latency_seconds_bucket')}[$__rate_interval])))`,
              legend: 'p50',
            },
          ],
          populated: 'on-activity',
          runbook: 'AlertNotifyLatencyHigh',
          traces: true,
        },
      ],
    },
  ],
};
