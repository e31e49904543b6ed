import { m, rate, type DashboardSpec } from '../lib/spec.ts';

export const detectors: DashboardSpec = {
  uid: 'insitechart-detectors',
  title: 'InsiteChart / Detectors',
  description: 'What the detector tier reads, what it finds, and its forecasts against the actual values.',
  tags: ['detectors'],
  rows: [
    {
      title: 'Inputs',
      panels: [
        {
          kind: 'timeseries',
          title: 'Points read',
          description: 'Points read per second by source.',
          unit: 'short',
          queries: [{ expr: `sum by (source) (${rate('insitechart_detector_points_total')})`, legend: '{{source}}' }],
          populated: 'always',
          runbook: 'DetectorSilent',
        },
        {
          kind: 'timeseries',
          title: 'Polls by outcome',
          description: 'Source polls per second by outcome; failures are coverage lost.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (source, outcome) (${rate('insitechart_detector_polls_total')})`,
              legend: '{{source}} {{outcome}}',
            },
          ],
          populated: 'always',
          runbook: 'DetectorCoverageBudgetBurn',
        },
        {
          kind: 'timeseries',
          title: 'Series watched',
          description: 'Series under watch by state, and series evicted by the series limit.',
          unit: 'short',
          queries: [
            { expr: `sum by (state) (${m('insitechart_detector_series_watched')})`, legend: '{{state}}' },
            { expr: `sum(${m('insitechart_detector_series_evicted')})`, legend: 'evicted' },
          ],
          populated: 'always',
        },
        {
          kind: 'timeseries',
          title: 'Poll duration p99',
          description: 'p99 time of one poll by source.',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.99, sum by (source, le) (${rate('insitechart_detector_poll_duration_seconds_bucket')}))`,
              legend: '{{source}}',
            },
          ],
          populated: 'always',
        },
      ],
    },
    {
      title: 'Findings',
      panels: [
        {
          kind: 'timeseries',
          title: 'Detections',
          description: 'Detections published, rate-limited or failed per second.',
          unit: 'short',
          queries: [
            { expr: `sum by (outcome) (${rate('insitechart_detector_detections_total')})`, legend: '{{outcome}}' },
          ],
          populated: 'on-activity',
          runbook: 'AnomalyDetected',
        },
        {
          kind: 'timeseries',
          title: 'Anomaly scores',
          description: 'The highest anomaly scores in [0, 1] among watched series (the 50 highest are exported).',
          unit: 'percentunit',
          queries: [{ expr: `topk(10, ${m('insitechart_detector_anomaly_score')})`, legend: '{{series}}' }],
          populated: 'always',
          runbook: 'AnomalyDetected',
        },
        {
          kind: 'timeseries',
          title: 'Forecast against actual',
          description: 'Forecast mean with its interval, and the observed value, per forecast series.',
          unit: 'short',
          queries: [
            { expr: m('insitechart_detector_forecast', 'bound="mean"'), legend: 'forecast {{series}}' },
            { expr: m('insitechart_detector_forecast', 'bound="low"'), legend: 'low {{series}}' },
            { expr: m('insitechart_detector_forecast', 'bound="high"'), legend: 'high {{series}}' },
            { expr: m('insitechart_detector_forecast_actual'), legend: 'actual {{series}}' },
          ],
          populated: 'pending-metric',
          width: 24,
        },
      ],
    },
  ],
};
