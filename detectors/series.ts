/**
 * What every part of the detector tier shares: a metric series is identified by its labels (Prometheus
 * style, `__name__` for the metric name), and carries timestamped values.
 */
export type SeriesLabels = Readonly<Record<string, string>>;

export interface Point {
  /** Epoch milliseconds. */
  readonly ts: number;
  readonly value: number;
}

export interface Series {
  readonly labels: SeriesLabels;
  readonly points: readonly Point[];
}

/** A stable identity for a series: its labels sorted by name, rendered like a Prometheus selector. */
export function seriesKey(labels: SeriesLabels): string {
  const names = Object.keys(labels)
    .filter((name) => name !== '__name__')
    .sort();
  const body = names.map((name) => `${name}=${JSON.stringify(labels[name])}`).join(',');
  return `${labels.__name__ ?? ''}{${body}}`;
}

/** One streaming detector's judgement of one point. */
export interface AnomalyVerdict {
  /** 0 (normal) to 1 (certainly anomalous). */
  readonly score: number;
  readonly observed: number;
  /** The range the detector expected the value in. */
  readonly expected: { readonly low: number; readonly high: number };
  /** The detectors (or rules) that contributed, strongest first, for the explanation. */
  readonly fired: readonly string[];
}

/** Streaming anomaly detection for one series: bounded state, one point at a time, in time order. */
export interface SeriesDetector {
  update(point: Point): AnomalyVerdict;
}
