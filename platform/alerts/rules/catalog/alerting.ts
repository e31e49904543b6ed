import type { PlatformAlert } from '../model.ts';
import { defineAlert } from './define.ts';

export const alertingAlerts: readonly PlatformAlert[] = [
  defineAlert({
    name: 'AlertDeliveryFailing',
    service: 'alerts',
    severity: 'critical',
    expr: 'sum by (job, channel) (rate(insitechart_alert_notifications_total{outcome="failed"}[10m])) > 0',
    for: '5m',
    summary: 'Notifications over {{ $labels.channel }} are failing for good',
    runbook: {
      whatFired: 'Notifications over one channel failed after every retry, for 5 minutes.',
      impact: 'On-call staff reached through that channel are not paged; escalation takes longer.',
      diagnosis: [
        {
          what: 'Outcomes by channel',
          expr: 'sum by (channel, outcome) (rate(insitechart_alert_notifications_total[10m]))',
        },
      ],
      panels: [{ dashboard: 'insitechart-alerting', panel: 'Deliveries by channel and outcome' }],
      mitigation: [
        "Read the outbox's last error for the channel in the logs (provider answer, TLS, DNS).",
        'Credentials expired (401/403 from the provider): rotate them in ALERTS_CONFIG.',
        'Provider outage: route the receivers to another channel until it recovers.',
      ],
      remediation: 'The outbox retried each delivery with backoff; unacknowledged pages escalate to the next step.',
      escalation: 'Page the platform on-call by phone, not through the failing channel.',
    },
  }),
  defineAlert({
    name: 'AlertNotifyLatencyHigh',
    service: 'alerts',
    severity: 'warning',
    expr: 'histogram_quantile(0.99, sum by (job, le) (rate(insitechart_alert_notify_latency_seconds_bucket[10m]))) > 60',
    for: '10m',
    summary: 'p99 from alert to notification is above a minute',
    runbook: {
      whatFired: 'The 99th percentile from accepting an alert to its first notification stayed above 60 s.',
      impact: 'Pages reach on-call late.',
      diagnosis: [
        {
          what: 'Notify latency p99',
          expr: 'histogram_quantile(0.99, sum by (le) (rate(insitechart_alert_notify_latency_seconds_bucket[10m])))',
        },
        {
          what: 'Pipeline backlog',
          expr: 'max by (group) (insitechart_bus_consumer_lag_events{topic="alerts.ops"})',
        },
      ],
      panels: [
        { dashboard: 'insitechart-alerting', panel: 'Notify latency' },
        { dashboard: 'insitechart-backbone', panel: 'Consumer lag' },
      ],
      mitigation: [
        'A backlog on alerts.ops: an alert storm; silence its source.',
        'A slow channel (provider timeouts): switch receivers to another channel.',
        "Group timers or digests delaying on purpose: check the route's group_wait and digest settings.",
      ],
      remediation: "None beyond the outbox's retries.",
      escalation: 'Ticket to the alerting owners; page if AlertDeliveryFailing fires too.',
    },
  }),
];
