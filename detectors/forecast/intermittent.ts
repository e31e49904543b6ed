import { at } from './sampling.ts';

/**
 * Intermittent series (byte counters idle most of the time, discrete gauges): when one exact value (the
 * mode) fills at least `minShare` of the history, the predictive distribution has an atom there and its
 * median is the mode whenever the chance of seeing it `h` steps after the current state exceeds one half.
 * Those chances are counted per horizon from the history, conditional on whether the last value is the mode.
 */
export interface ModeAtom {
  readonly value: number;
  /** Per horizon: P(y[t+h] = mode | y[t] = mode) and P(y[t+h] = mode | y[t] != mode). */
  readonly afterMode: Float64Array;
  readonly afterOther: Float64Array;
  readonly lastIsMode: boolean;
}

export function findModeAtom(values: Float64Array, horizons: readonly number[], minShare = 0.5): ModeAtom | undefined {
  const counts = new Map<number, number>();
  let observed = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    observed++;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  let mode = Number.NaN;
  let top = 0;
  for (const [v, c] of counts) {
    if (c > top) {
      top = c;
      mode = v;
    }
  }
  if (observed === 0 || top / observed < minShare) return undefined;
  const afterMode = new Float64Array(horizons.length);
  const afterOther = new Float64Array(horizons.length);
  horizons.forEach((h, k) => {
    let fromMode = 0;
    let fromModeHit = 0;
    let fromOther = 0;
    let fromOtherHit = 0;
    for (let t = 0; t + h < values.length; t++) {
      const a = at(values, t);
      const b = at(values, t + h);
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      if (a === mode) {
        fromMode++;
        if (b === mode) fromModeHit++;
      } else {
        fromOther++;
        if (b === mode) fromOtherHit++;
      }
    }
    afterMode[k] = fromMode > 0 ? fromModeHit / fromMode : 0;
    afterOther[k] = fromOther > 0 ? fromOtherHit / fromOther : 0;
  });
  let last = Number.NaN;
  for (let i = values.length - 1; i >= 0 && !Number.isFinite(last); i--) last = at(values, i);
  return { value: mode, afterMode, afterOther, lastIsMode: last === mode };
}

/** Chance that the value `k`-th horizon ahead equals the mode, given the current state. */
export function modeChance(atom: ModeAtom, k: number): number {
  return at(atom.lastIsMode ? atom.afterMode : atom.afterOther, k);
}
