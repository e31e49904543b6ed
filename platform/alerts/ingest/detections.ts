import type { TopicData, TopicInput } from '../../backbone/topics.ts';
import { fingerprintOf } from '../fingerprint.ts';

/** Detector scores map to severities: near-certain anomalies page, weak ones only inform. */
export function severityOfScore(score: number): 'critical' | 'warning' | 'info' {
  return score >= 0.9 ? 'critical' : score >= 0.7 ? 'warning' : 'info';
}

const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A detection from the detector tier as an operational alert (labels: the series plus the detector). The
 * detector tier's title and severity (from what the series means) win over the score's severity.
 */
export function fromDetection(d: TopicData<'detections'>): TopicInput<'alerts.ops'> {
  const series = Object.fromEntries(Object.entries(d.series).filter(([k]) => labelName.test(k)));
  const labels = {
    alertname: series.alertname ?? 'AnomalyDetected',
    ...series,
    detector: d.detector,
    severity: d.severity ?? severityOfScore(d.score),
  };
  return {
    fingerprint: `det:${fingerprintOf({ ...series, detector: d.detector })}`,
    status: 'firing',
    labels,
    annotations: {
      summary: d.title ?? d.explanation,
      ...(d.title === undefined ? {} : { description: d.explanation }),
      score: d.score.toFixed(3),
      observed: String(d.observed),
      expected: `${String(d.expected.low)}..${String(d.expected.high)}`,
      ...(d.related.length > 0 ? { related: JSON.stringify(d.related).slice(0, 2_000) } : {}),
    },
    startsAt: new Date(d.ts).toISOString(),
    source: `detector:${d.detector}`,
  };
}
