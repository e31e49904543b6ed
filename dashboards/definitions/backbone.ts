import { m, rate, type DashboardSpec } from '../lib/spec.ts';

export const backbone: DashboardSpec = {
  uid: 'insitechart-backbone',
  title: 'InsiteChart / Event backbone',
  description: 'Throughput, consumer lag, handler time and dead letters of the event backbone.',
  tags: ['backbone'],
  rows: [
    {
      title: 'Throughput',
      panels: [
        {
          kind: 'timeseries',
          title: 'Published by topic',
          description: 'Events published per second by topic and outcome.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (topic, outcome) (${rate('insitechart_bus_events_published_total')})`,
              legend: '{{topic}} {{outcome}}',
            },
          ],
          populated: 'always',
        },
        {
          kind: 'timeseries',
          title: 'Consumed by group',
          description: 'Events handled per second by consumer group and topic.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (group, topic) (${rate('insitechart_bus_events_consumed_total')})`,
              legend: '{{group}} {{topic}}',
            },
          ],
          populated: 'always',
        },
        {
          kind: 'timeseries',
          title: 'Consumer lag',
          description: 'Events published but not committed, by group and topic (sum over partitions).',
          unit: 'short',
          queries: [
            {
              expr: `sum by (group, topic) (${m('insitechart_bus_consumer_lag_events')})`,
              legend: '{{group}} {{topic}}',
            },
          ],
          populated: 'always',
          runbook: 'ConsumerLagHigh',
        },
        {
          kind: 'timeseries',
          title: 'Handler duration p99',
          description: 'p99 time consumers spend on one event, by group.',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.99, sum by (group, le) (${rate('insitechart_bus_handler_duration_seconds_bucket')}))`,
              legend: '{{group}}',
            },
          ],
          populated: 'always',
          traces: true,
        },
      ],
    },
    {
      title: 'Failures',
      panels: [
        {
          kind: 'timeseries',
          title: 'Handler errors',
          description: 'Failed deliveries per second (each is retried, then dead-lettered).',
          unit: 'short',
          queries: [
            {
              expr: `sum by (group, topic) (${rate('insitechart_bus_events_consumed_total', 'outcome="error"')})`,
              legend: '{{group}} {{topic}}',
            },
          ],
          populated: 'on-activity',
          runbook: 'DeadLetterGrowth',
        },
        {
          kind: 'timeseries',
          title: 'Dead letters',
          description: 'Events published on dead-letter topics per second.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (topic) (${rate('insitechart_bus_events_published_total', 'topic=~".+\\\\.dlq"')})`,
              legend: '{{topic}}',
            },
          ],
          populated: 'on-activity',
          runbook: 'DeadLetterGrowth',
        },
        {
          kind: 'timeseries',
          title: 'Log shipping',
          description: 'Log records buffered, sent and dropped by the Elasticsearch sink.',
          unit: 'short',
          queries: [{ expr: `sum by (state) (${m('insitechart_log_sink_records')})`, legend: '{{state}}' }],
          populated: 'on-activity',
        },
      ],
    },
  ],
};
