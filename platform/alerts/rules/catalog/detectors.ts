import type { PlatformAlert } from '../model.ts';
import { defineAlert } from './define.ts';

export const detectorAlerts: readonly PlatformAlert[] = [
  defineAlert({
    name: 'DetectorSilent',
    service: 'detectors',
    severity: 'error',
    expr: 'sum by (job) (rate(insitechart_detector_points_total[10m])) == 0',
    for: '10m',
    summary: 'The detector tier of {{ $labels.job }} has read no points for 10 minutes',
    runbook: {
      whatFired: 'No detector source delivered a single point for 10 minutes: the detectors are blind.',
      impact: 'No anomaly, forecast or predicted failure is raised; incidents are found by users first.',
      diagnosis: [
        { what: 'Points per source', expr: 'sum by (source) (rate(insitechart_detector_points_total[10m]))' },
        { what: 'Polls by outcome', expr: 'sum by (source, outcome) (rate(insitechart_detector_polls_total[10m]))' },
        { what: 'Series watched', expr: 'sum by (state) (insitechart_detector_series_watched)' },
      ],
      panels: [
        { dashboard: 'insitechart-detectors', panel: 'Points read' },
        { dashboard: 'insitechart-detectors', panel: 'Polls by outcome' },
      ],
      mitigation: [
        'Polls failing: the source (Prometheus URL, OTLP senders) is unreachable; fix the source.',
        'Polls succeed with no points: DETECTOR_WATCH matches nothing; check its selector.',
        'No polls at all: the detector service is stopped; restart it.',
      ],
      remediation: 'Failed polls are retried with backoff at every interval.',
      escalation: 'Ticket to the detector owners; page the platform on-call if it lasts over an hour.',
    },
  }),
  // Detections reach the pipeline as alerts of this name by themselves (platform/alerts/ingest/detections.ts):
  // a Prometheus rule would page twice, so this alert has a runbook and no rule.
  {
    name: 'AnomalyDetected',
    service: 'detectors',
    rules: [],
    runbook: {
      whatFired:
        'A detector found a series outside its expected range (`detections` topic; the alert carries the series, ' +
        'score, expected range and the views that fired). The rule counts published detections; each detection ' +
        'also reaches the alert pipeline by itself.',
      impact: 'Depends on the series: the explanation names it and the related series.',
      diagnosis: [
        {
          what: 'Detections by outcome',
          expr: 'sum by (outcome) (increase(insitechart_detector_detections_total[1h]))',
        },
        { what: 'Series watched', expr: 'sum by (state) (insitechart_detector_series_watched)' },
      ],
      panels: [{ dashboard: 'insitechart-detectors', panel: 'Detections' }],
      mitigation: [
        'Read the detection: observed value against the expected band, the views that fired, related series.',
        'A real change (deployment, traffic): follow the runbook of the affected service.',
        'A false alarm: silence the series and tell the detector owners (it is a training case).',
      ],
      remediation: 'None: detections inform, they do not act.',
      escalation: 'The owner of the affected service; the detector owners for false alarms.',
    },
  },
];
