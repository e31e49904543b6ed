/**
 * A user-facing wait has a limit from what it means, not from its history: a p99 wait held above what
 * users tolerate pages however often the series did that lately, and a shorter one does not, however
 * novel. `withLimit` wraps a series' detector: once the value has stayed at or above the limit at every
 * point for `holdMs` (a GC pause, one slow scrape or a loaded machine's isolated spikes do not; a stall users
 * feel does) the verdict scores 1 and names `limit` first, whatever the inner detector's novelty, suppression
 * after an earlier alarm or alarm fatigue say; otherwise it scores 0, with the inner detector's expected range
 * and views. Entering needs the hold unbroken: a stall of 600 ms in every second shows in every 1 s sample
 * (platform/telemetry/event-loop-delay.ts records every late tick in some window), while on a loaded machine a
 * healthy platform's lag crosses the limit in isolated seconds, which a hold that forgave dips (as this one did,
 * for a window that used to lose stalls) read as one held stretch. Once paging, a dip shorter than `holdMs`
 * does not end the stretch.
 */
import type { AnomalyVerdict, Point, SeriesDetector } from '../series.ts';

/** How long a value must stay over its limit before it pages (at least two points at any sampling). */
export const LIMIT_HOLD_MS = 3_000;

export function withLimit(inner: SeriesDetector, limit: number, holdMs = LIMIT_HOLD_MS): SeriesDetector {
  if (!Number.isFinite(limit)) return inner;
  /** Start of the current unbroken run at or over the limit (NaN: under it now). */
  let overSince = Number.NaN;
  let lastOver = Number.NaN;
  let paging = false;
  return {
    ...(inner.warmup === undefined ? {} : { warmup: inner.warmup }),
    update(point: Point): AnomalyVerdict {
      const verdict = inner.update(point);
      if (point.value >= limit) {
        if (Number.isNaN(overSince)) overSince = point.ts;
        lastOver = point.ts;
      } else overSince = Number.NaN;
      paging = point.ts - overSince >= holdMs || (paging && point.ts - lastOver < holdMs);
      if (!paging) return { ...verdict, score: 0 };
      return {
        score: 1,
        observed: point.value,
        expected: { low: Math.min(verdict.expected.low, limit), high: Math.min(verdict.expected.high, limit) },
        fired: ['limit', ...verdict.fired.filter((v) => v !== 'limit')],
      };
    },
  };
}
