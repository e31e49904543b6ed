import type { Point } from '../series.ts';
import type { Channel, ChannelSeries } from './telemetry.ts';

/**
 * Builds the regular window the precursor model reads from raw series of any sampling: for each of the
 * `steps` slots of `stepMs` ending at `endMs`, the mean of the points inside it; an empty slot repeats the
 * previous value (the slots before the first point take the first value). A channel with no point in the
 * window is left out (the model treats it as typical).
 */
export function channelWindow(
  series: Partial<Record<Channel, readonly Point[]>>,
  endMs: number,
  steps: number,
  stepMs: number,
): ChannelSeries {
  const out: Partial<Record<Channel, number[]>> = {};
  const startMs = endMs - steps * stepMs;
  for (const [channel, points] of Object.entries(series) as [Channel, readonly Point[]][]) {
    const sums = new Float64Array(steps);
    const counts = new Uint32Array(steps);
    for (const p of points) {
      if (!Number.isFinite(p.value) || p.ts <= startMs || p.ts > endMs) continue;
      const slot = Math.min(steps - 1, Math.floor((p.ts - startMs - 1) / stepMs));
      sums[slot] = (sums[slot] ?? 0) + p.value;
      counts[slot] = (counts[slot] ?? 0) + 1;
    }
    const first = counts.findIndex((c) => c > 0);
    if (first < 0) continue;
    const values: number[] = [];
    let last = (sums[first] ?? 0) / (counts[first] ?? 1);
    for (let i = 0; i < steps; i++) {
      const c = counts[i] ?? 0;
      if (c > 0) last = (sums[i] ?? 0) / c;
      values.push(last);
    }
    out[channel] = values;
  }
  return out;
}
