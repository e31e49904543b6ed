/**
 * A user-facing symptom has a limit from what it means, not only from its history: a p99 wait above what
 * users tolerate pages however often the series did that lately. `withLimit` wraps a series' detector: once
 * the value has stayed at or above the limit for `holdMs` (a GC pause or one slow scrape does not; a stall
 * users feel does), the verdict scores 1 and names `limit` first, whatever the inner detector's novelty,
 * suppression after an earlier alarm or alarm fatigue say. Below the limit the inner verdict passes as is.
 */
import type { AnomalyVerdict, Point, SeriesDetector } from '../series.ts';

/** How long a value must stay over its limit before it pages (at least two points at any sampling). */
export const LIMIT_HOLD_MS = 3_000;

export function withLimit(inner: SeriesDetector, limit: number, holdMs = LIMIT_HOLD_MS): SeriesDetector {
  if (!Number.isFinite(limit)) return inner;
  let overSince = Number.NaN;
  return {
    ...(inner.warmup === undefined ? {} : { warmup: inner.warmup }),
    update(point: Point): AnomalyVerdict {
      const verdict = inner.update(point);
      if (point.value < limit) {
        overSince = Number.NaN;
        return verdict;
      }
      if (Number.isNaN(overSince)) overSince = point.ts;
      if (point.ts - overSince < holdMs) return verdict;
      return {
        score: 1,
        observed: point.value,
        expected: { low: Math.min(verdict.expected.low, limit), high: Math.min(verdict.expected.high, limit) },
        fired: ['limit', ...verdict.fired.filter((v) => v !== 'limit')],
      };
    },
  };
}
