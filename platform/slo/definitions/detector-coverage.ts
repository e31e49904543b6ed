import type { SloDefinition } from '../model.ts';

const polls = 'insitechart_detector_polls_total';

export const detectorCoverage: SloDefinition = {
  name: 'detector-coverage',
  alertName: 'DetectorCoverageBudgetBurn',
  title: 'Detector coverage',
  description: '99% of detector polls read their source: the detectors are not blind.',
  service: 'detectors',
  objective: 0.99,
  sli: { kind: 'ratio', counter: polls, selector: '', bad: 'outcome!="ok"' },
  detector: { total: `${polls}_rate`, bad: `${polls}_rate{outcome!="ok"}` },
  runbook: {
    impact: 'Anomalies and predicted failures go unseen: incidents are found by users first.',
    diagnosis: [
      { what: 'Failing polls per source', expr: `sum by (source, outcome) (rate(${polls}[10m]))` },
      { what: 'Points read per source', expr: 'sum by (source) (rate(insitechart_detector_points_total[10m]))' },
      { what: 'Series evicted by the series limit', expr: 'sum(insitechart_detector_series_evicted)' },
    ],
    mitigation: [
      'Prometheus source failing: check DETECTOR_PROMETHEUS_URL answers and its queries are valid.',
      'OTLP source quiet: check the senders reach /v1/metrics (OTLP receiver panel on the detectors dashboard).',
      'Series evicted: raise DETECTOR_SERIES_LIMIT or narrow DETECTOR_WATCH.',
    ],
    remediation: 'Each poll retries its source with backoff before it counts as failed.',
    escalation: 'Ticket to the detector owners; page severity while an incident is open: platform on-call.',
  },
};
