import type { SloDefinition } from '../model.ts';

const latency = 'insitechart_alert_notify_latency_seconds';

export const alertNotificationLatency: SloDefinition = {
  name: 'alert-notification-latency',
  alertName: 'AlertNotificationLatencyBudgetBurn',
  title: 'Alert notification latency',
  description: '99% of alerts reach their first notification within 30 s.',
  service: 'alerts',
  objective: 0.99,
  sli: { kind: 'latency', histogram: latency, selector: '', thresholdSeconds: 30 },
  runbook: {
    impact: 'On-call staff learn of incidents late: outages last longer.',
    diagnosis: [
      { what: 'Notify latency p99', expr: `histogram_quantile(0.99, sum by (le) (rate(${latency}_bucket[10m])))` },
      {
        what: 'Failing channels',
        expr: 'sum by (channel, outcome) (rate(insitechart_alert_notifications_total[10m]))',
      },
      {
        what: 'Pipeline backlog',
        expr: 'sum by (group) (insitechart_bus_consumer_lag_events{topic="alerts.ops"})',
      },
    ],
    mitigation: [
      'A channel failing or slow: switch its receivers to another channel in ALERTS_CONFIG and reload.',
      'A backlog on alerts.ops: the pipeline is overloaded; look for an alert storm and silence its source.',
      'Digest or quiet hours delaying pages: check the fatigue settings of the route.',
    ],
    remediation: 'The outbox retries every delivery with backoff and escalates when a page is not acknowledged.',
    escalation: 'Page severity: platform on-call by phone (the paging path itself may be slow).',
  },
};
