import type { PlatformAlert } from '../model.ts';
import { defineAlert } from './define.ts';

export const backboneAlerts: readonly PlatformAlert[] = [
  defineAlert({
    name: 'ConsumerLagHigh',
    service: 'backbone',
    severity: 'warning',
    expr: 'max by (job, group, topic) (insitechart_bus_consumer_lag_events) > 10000',
    for: '5m',
    summary: 'Consumer group {{ $labels.group }} is {{ $value }} events behind on {{ $labels.topic }}',
    runbook: {
      whatFired: 'A consumer group stayed more than 10,000 events behind on one topic for 5 minutes.',
      impact: 'What that group produces is late: bars and charts, detections, or pages to on-call.',
      diagnosis: [
        { what: 'Lag by group and topic', expr: 'max by (group, topic) (insitechart_bus_consumer_lag_events)' },
        {
          what: 'Consumption against publication',
          expr: 'sum by (topic) (rate(insitechart_bus_events_published_total[5m]))',
        },
        {
          what: 'Handler time per event (slow handler?)',
          expr: 'sum by (group) (rate(insitechart_bus_handler_duration_seconds_sum[5m])) / sum by (group) (rate(insitechart_bus_handler_duration_seconds_count[5m]))',
        },
      ],
      panels: [
        { dashboard: 'insitechart-backbone', panel: 'Consumer lag' },
        { dashboard: 'insitechart-backbone', panel: 'Handler duration p99' },
      ],
      mitigation: [
        'Handler slow (duration up): find the slow span in a consumer trace; fix or scale the group out.',
        'Publication burst (published rate up): the lag drains by itself if consumption keeps up; watch it.',
        'Group stopped (consumed rate 0): restart the consumer process; it resumes after its last commit.',
      ],
      remediation:
        'Failing events are retried with backoff and then dead-lettered, so one bad event cannot block a partition.',
      escalation:
        'Page the platform on-call if alerts.ops or detections lag (paging is late); otherwise ticket the backbone owners.',
    },
  }),
  defineAlert({
    name: 'DeadLetterGrowth',
    service: 'backbone',
    severity: 'error',
    expr: 'sum by (job, topic) (increase(insitechart_bus_events_published_total{topic=~".+\\\\.dlq"}[15m])) > 0',
    for: '5m',
    summary: 'Events are being dead-lettered on {{ $labels.topic }}',
    runbook: {
      whatFired: 'Events landed on a dead-letter topic (`<topic>.dlq`) in the last 15 minutes.',
      impact: 'Those events were not handled: a bar, a detection, an alert or a notification is missing.',
      diagnosis: [
        {
          what: 'Dead letters by topic',
          expr: 'sum by (topic) (increase(insitechart_bus_events_published_total{topic=~".+\\\\.dlq"}[1h]))',
        },
        {
          what: 'Failing handlers',
          expr: 'sum by (topic, group) (rate(insitechart_bus_events_consumed_total{outcome="error"}[15m]))',
        },
      ],
      panels: [
        { dashboard: 'insitechart-backbone', panel: 'Dead letters' },
        { dashboard: 'insitechart-backbone', panel: 'Handler errors' },
      ],
      mitigation: [
        'Read the dead letter: it carries the error, the attempt count and the original envelope.',
        "A bug in the handler: fix and deploy, then replay the group from the dead letter's offset.",
        'Bad data from a producer: fix the producer; the DLQ keeps the evidence.',
      ],
      remediation: 'Each event was retried with exponential backoff before it was dead-lettered.',
      escalation: 'Ticket to the owner of the consuming group; page if the topic is alerts.ops or notifications.',
    },
  }),
];
