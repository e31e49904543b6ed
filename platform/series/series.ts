/**
 * A metric series is identified by its labels (Prometheus style, `__name__` for the metric name) and
 * carries timestamped values. Shared by the collectors that receive series and the detectors that read them.
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
