/**
 * NAB scoring (Lavin & Ahmad 2015; Ahmad et al. 2017), following nab/sweeper.py, optimizer.py and
 * scorer.py at commit ea702d7 as described in ../shared/data/nab/README.md: probationary period, scaled
 * sigmoid, window weights, one threshold per profile for the whole corpus, normalisation between the
 * null and the perfect detector. Pure functions: the files are read elsewhere (corpus.ts).
 */

export interface Profile {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

export const PROFILES = {
  standard: { tp: 1, fp: 0.11, fn: 1 },
  reward_low_fp: { tp: 1, fp: 0.22, fn: 1 },
  reward_low_fn: { tp: 1, fp: 0.11, fn: 2 },
} as const satisfies Record<string, Profile>;

export type ProfileName = keyof typeof PROFILES;

/** A window as row indices, both inclusive. */
export interface RowWindow {
  readonly start: number;
  readonly end: number;
}

/** One scored file: its anomaly scores (one per row) and its windows as row indices. */
export interface ScoredFile {
  readonly name: string;
  readonly scores: ArrayLike<number>;
  readonly windows: readonly RowWindow[];
}

export function probationaryLength(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750);
}

/** NAB's scaled sigmoid: 2 / (1 + e^(5x)) - 1, and -1 beyond x = 3. */
export function scaledSigmoid(x: number): number {
  return x > 3 ? -1 : 2 / (1 + Math.exp(5 * x)) - 1;
}

const S_MINUS_ONE = scaledSigmoid(-1);

/**
 * What an alert at `row` is worth: the window it falls in (by index, -1 if none) and its value. Before
 * the first window a false positive costs the full A_FP; after a window the cost grows with distance.
 */
export function alertValue(
  row: number,
  windows: readonly RowWindow[],
  profile: Profile,
): { readonly window: number; readonly value: number } {
  let previous: RowWindow | undefined;
  for (const [index, w] of windows.entries()) {
    if (row < w.start) break;
    if (row <= w.end) {
      const width = w.end - w.start + 1;
      return { window: index, value: (profile.tp * scaledSigmoid(-(w.end - row + 1) / width)) / S_MINUS_ONE };
    }
    previous = w;
  }
  if (previous === undefined) return { window: -1, value: -profile.fp };
  const width = previous.end - previous.start + 1;
  return { window: -1, value: profile.fp * scaledSigmoid((row - previous.end) / (width - 1)) };
}

interface Candidate {
  readonly score: number;
  /** Global window id, or -1 for a row outside every window. */
  readonly window: number;
  readonly value: number;
}

export interface ProfileResult {
  readonly threshold: number;
  readonly raw: number;
  /** 100 × (raw − raw_null) / (raw_perfect − raw_null). */
  readonly score: number;
  /** Raw score per file at the chosen threshold, for per-category figures. */
  readonly perFile: ReadonlyMap<string, number>;
}

/**
 * Threshold sweep: every scored row becomes an alert once θ drops to its score. Rows are taken in
 * descending score order, a group of equal scores at a time; a window keeps its best (earliest) alert and
 * every alert outside windows adds its own value. The best θ wins, the higher one on a tie (1.1 = none).
 */
export function optimise(files: readonly ScoredFile[], profile: Profile): ProfileResult {
  const candidates: Candidate[] = [];
  const windowFile: number[] = [];
  for (const [fileIndex, file] of files.entries()) {
    const firstWindow = windowFile.length;
    for (let w = 0; w < file.windows.length; w++) windowFile.push(fileIndex);
    for (let row = probationaryLength(file.scores.length); row < file.scores.length; row++) {
      const score = file.scores[row] ?? 0;
      const { window, value } = alertValue(row, file.windows, profile);
      candidates.push({ score, window: window < 0 ? -1 : firstWindow + window, value });
    }
  }
  if (candidates.some((c) => Number.isNaN(c.score))) throw new RangeError('NaN anomaly score');
  candidates.sort((a, b) => b.score - a.score);

  const best = new Float64Array(windowFile.length).fill(-profile.fn);
  let falsePositives = 0;
  let windowsTotal = -profile.fn * windowFile.length;
  let bestRaw = windowsTotal;
  let bestThreshold = 1.1;
  for (let i = 0; i < candidates.length;) {
    const threshold = candidates[i]?.score ?? 0;
    for (; i < candidates.length && candidates[i]?.score === threshold; i++) {
      const c = candidates[i];
      if (c === undefined) continue;
      if (c.window < 0) {
        falsePositives += c.value;
      } else if (c.value > (best[c.window] ?? 0)) {
        windowsTotal += c.value - (best[c.window] ?? 0);
        best[c.window] = c.value;
      }
    }
    const raw = windowsTotal + falsePositives;
    if (raw > bestRaw) {
      bestRaw = raw;
      bestThreshold = threshold;
    }
  }
  const raw = files.reduce((sum, file) => sum + scoreFile(file, bestThreshold, profile), 0);
  const perFile = new Map(files.map((file) => [file.name, scoreFile(file, bestThreshold, profile)]));
  return { threshold: bestThreshold, raw, score: normalise(raw, windowFile.length, profile), perFile };
}

/** Raw score of one file at threshold θ. */
export function scoreFile(file: ScoredFile, threshold: number, profile: Profile): number {
  const best = new Array<number>(file.windows.length).fill(-profile.fn);
  let falsePositives = 0;
  for (let row = probationaryLength(file.scores.length); row < file.scores.length; row++) {
    if ((file.scores[row] ?? 0) < threshold) continue;
    const { window, value } = alertValue(row, file.windows, profile);
    if (window < 0) falsePositives += value;
    else best[window] = Math.max(best[window] ?? -profile.fn, value);
  }
  return best.reduce((sum, v) => sum + v, 0) + falsePositives;
}

export function normalise(raw: number, windows: number, profile: Profile): number {
  const rawNull = -profile.fn * windows;
  const rawPerfect = profile.tp * windows;
  return (100 * (raw - rawNull)) / (rawPerfect - rawNull);
}
