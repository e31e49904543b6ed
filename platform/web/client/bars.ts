import type { Bar, Interval } from './protocol.ts';

/** Bars kept per series in the browser; older ones scroll out. */
export const MAX_BARS = 5_000;

/** Merges one bar (new, or a revision of a recent one) into a series sorted by start, returning a new array. */
export function mergeBar(bars: readonly Bar[], bar: Bar, max = MAX_BARS): Bar[] {
  const last = bars.at(-1);
  let next: Bar[];
  if (last === undefined || bar.start > last.start) next = [...bars, bar];
  else if (bar.start === last.start) next = [...bars.slice(0, -1), bar];
  else {
    const at = bars.findIndex((b) => b.start >= bar.start);
    next = [...bars];
    if (bars[at]?.start === bar.start) next[at] = bar;
    else next.splice(at, 0, bar);
  }
  return next.length > max ? next.slice(next.length - max) : next;
}

/** Sorts, de-duplicates (the later one wins) and bounds a series received in one piece. */
export function normaliseBars(bars: readonly Bar[], max = MAX_BARS): Bar[] {
  const byStart = new Map<number, Bar>();
  for (const bar of bars) byStart.set(bar.start, bar);
  const sorted = [...byStart.values()].sort((a, b) => a.start - b.start);
  return sorted.length > max ? sorted.slice(sorted.length - max) : sorted;
}

/** Bucket lengths whose bounds do not depend on the exchange's UTC offset (a whole number of quarter hours). */
const offsetFree: Partial<Record<Interval, number>> = { '1s': 1_000, '1m': 60_000, '5m': 300_000 };

/**
 * A coarser interval's bars made from a finer series the page holds (1s into 1m or 5m, 1m into 5m), to draw at once
 * while the server's own series is on its way (it replaces these). A first bucket the finer series does not cover from
 * its start is left out (its open and volume would be wrong); undefined when `to` cannot be made from `from`.
 */
export function aggregateBars(bars: readonly Bar[], from: Interval, to: Interval): Bar[] | undefined {
  const fine = offsetFree[from];
  const coarse = offsetFree[to];
  if (fine === undefined || coarse === undefined || coarse <= fine) return undefined;
  const out: Bar[] = [];
  for (const bar of bars) {
    const start = bar.start - (bar.start % coarse);
    const last = out.at(-1);
    if (last?.start === start)
      out[out.length - 1] = {
        start,
        open: last.open,
        high: Math.max(last.high, bar.high),
        low: Math.min(last.low, bar.low),
        close: bar.close,
        volume: last.volume + bar.volume,
      };
    else out.push({ ...bar, start });
  }
  if (out.length > 0 && (bars[0]?.start ?? 0) % coarse !== 0) out.shift();
  return out;
}
