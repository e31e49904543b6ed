import { REMEDIATION_METRIC } from '../../platform/alerts/rules/catalog/remediation.ts';
import { m, type DashboardSpec } from '../lib/spec.ts';

export const remediation: DashboardSpec = {
  uid: 'insitechart-remediation',
  title: 'InsiteChart / Remediation',
  description: 'Automatic remediation actions and their outcomes.',
  tags: ['remediation'],
  rows: [
    {
      title: 'Actions',
      panels: [
        {
          kind: 'timeseries',
          title: 'Actions by outcome',
          description: 'Remediation actions per interval by action and outcome.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (action, outcome) (increase(${m(REMEDIATION_METRIC)}[$__rate_interval]))`,
              legend: '{{action}} {{outcome}}',
            },
          ],
          populated: 'pending-metric',
          runbook: 'RemediationFailing',
        },
        {
          kind: 'stat',
          title: 'Failed actions (24 h)',
          description: 'Remediation actions that failed over the last day.',
          unit: 'short',
          queries: [{ expr: `sum(increase(${m(REMEDIATION_METRIC, 'outcome="failed"')}[1d]))`, legend: 'failed' }],
          populated: 'pending-metric',
          runbook: 'RemediationFailing',
        },
        {
          kind: 'timeseries',
          title: 'Remediation events',
          description: 'Events on the remediations topic (every action announced on the backbone).',
          unit: 'short',
          queries: [
            {
              expr: `sum(increase(${m('insitechart_bus_events_published_total', 'topic="remediations"')}[$__rate_interval]))`,
              legend: 'published',
            },
          ],
          populated: 'on-activity',
          width: 24,
        },
      ],
    },
  ],
};
