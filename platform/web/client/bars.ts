import type { Bar } from './protocol.ts';

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
