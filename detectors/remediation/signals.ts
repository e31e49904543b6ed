import type { TopicData } from '../../platform/backbone/topics.ts';
import { fromDetection } from '../../platform/alerts/ingest/detections.ts';
import { seriesKey } from '../series.ts';
import type { Signal } from './types.ts';

/** Detectors whose findings are predictions of a failure rather than an anomaly seen now. */
const predictors = new Set(['precursor', 'slo-burn']);

/** A detection as a policy sees it; its fingerprint is the one the alert pipeline gives the alert it becomes. */
export function detectionSignal(d: TopicData<'detections'>): Signal {
  return {
    kind: predictors.has(d.detector) ? 'prediction' : 'detection',
    key: seriesKey(d.series),
    labels: d.series,
    fingerprint: fromDetection(d).fingerprint,
    title: d.title ?? d.explanation,
    at: d.ts,
    score: d.score,
    observed: d.observed,
    expected: d.expected,
  };
}

/** A firing operational alert (Alertmanager, generic sources) as an incident signal; detections come as themselves. */
export function alertSignal(a: TopicData<'alerts.ops'>, at: number): Signal | undefined {
  if (a.status !== 'firing' || a.source.startsWith('detector:')) return undefined;
  return {
    kind: 'incident',
    key: a.fingerprint,
    labels: a.labels,
    fingerprint: a.fingerprint,
    title: a.annotations.summary ?? a.labels.alertname ?? a.fingerprint,
    at,
  };
}
