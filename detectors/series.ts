import type { Point } from '../platform/series/series.ts';

/**
 * The detector tier's vocabulary: the series types (defined below both the collectors and the detectors,
 * re-exported so the tier's modules keep one import) and the streaming detector that judges them.
 */
export { seriesKey, type Point, type Series, type SeriesLabels } from '../platform/series/series.ts';

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
  /** Points the detector learns from before it judges (scores 0 until then); absent: it judges at once. */
  readonly warmup?: number;
}
