/**
 * A user-facing wait has a limit from what it means, not from its history: a p99 wait held above what
 * users tolerate pages however often the series did that lately, and a shorter one does not, however
 * novel. `withLimit` wraps a series' detector: once the value has stayed at or above the limit for
 * `holdMs` (a GC pause or one slow scrape does not; a stall users feel does) the verdict scores 1 and names
 * `limit` first, whatever the inner detector's novelty, suppression after an earlier alarm or alarm
 * fatigue say; otherwise it scores 0, with the inner detector's expected range and views. A dip below the
 * limit shorter than `holdMs` does not end the stretch: sampled every second, a loop that stalls 600 ms of
 * every second shows some samples taken between two stalls.
 */
import type { AnomalyVerdict, Point, SeriesDetector } from '../series.ts';

/** How long a value must stay over its limit before it pages (at least two points at any sampling). */
export const LIMIT_HOLD_MS = 3_000;

export function withLimit(inner: SeriesDetector, limit: number, holdMs = LIMIT_HOLD_MS): SeriesDetector {
  if (!Number.isFinite(limit)) return inner;
  let overSince = Number.NaN;
  let lastOver = Number.NaN;
  return {
    ...(inner.warmup === undefined ? {} : { warmup: inner.warmup }),
    update(point: Point): AnomalyVerdict {
      const verdict = inner.update(point);
      if (point.value >= limit) {
        if (Number.isNaN(overSince)) overSince = point.ts;
        lastOver = point.ts;
      } else if (!(point.ts - lastOver < holdMs)) overSince = Number.NaN;
      // Paging needs the value seen over the limit across the hold, not only a dip's length after it.
      if (!(lastOver - overSince >= holdMs)) return { ...verdict, score: 0 };
      return {
        score: 1,
        observed: point.value,
        expected: { low: Math.min(verdict.expected.low, limit), high: Math.min(verdict.expected.high, limit) },
        fired: ['limit', ...verdict.fired.filter((v) => v !== 'limit')],
      };
    },
  };
}
