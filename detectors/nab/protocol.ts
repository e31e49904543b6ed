/**
 * Leave-one-category-out: the evaluation a setting search cannot overfit. For each category with labelled
 * windows, the candidate detector and NAB's standard threshold are chosen on the other categories only,
 * and the left-out category is scored with that choice; the left-out raw scores are then summed and
 * normalised over their windows, as NAB combines a corpus. Categories without windows always stay in the
 * training side (their false positives weigh on every choice) and are never scored on their own.
 */
import { normalise, optimise, scoreFile, PROFILES } from './scorer.ts';
import type { ScoredFile } from './scorer.ts';

export interface FoldResult {
  readonly category: string;
  readonly windows: number;
  /** Index of the candidate chosen on the other categories. */
  readonly chosen: number;
  readonly threshold: number;
  /** Standard score of the chosen candidate on the other categories (in-sample for the choice). */
  readonly train: number;
  /** Standard score on the left-out category at the chosen candidate and threshold. */
  readonly heldOut: number;
  readonly raw: number;
}

export interface LeaveOneOutResult {
  /** Left-out raw scores summed and normalised over all left-out windows (standard profile). */
  readonly standard: number;
  readonly folds: readonly FoldResult[];
}

export function categoryOf(name: string): string {
  const slash = name.indexOf('/');
  return slash < 0 ? '.' : name.slice(0, slash);
}

/**
 * `candidates[c]` is the corpus scored by candidate c, the files in the same order for every candidate.
 * On a tie the earlier candidate wins: list the simplest first.
 */
export function leaveOneCategoryOut(candidates: readonly (readonly ScoredFile[])[]): LeaveOneOutResult {
  const first = candidates[0];
  if (first === undefined) throw new RangeError('no candidate');
  const names = first.map((f) => f.name).join('\n');
  if (candidates.some((c) => c.map((f) => f.name).join('\n') !== names))
    throw new RangeError('every candidate must score the same files in the same order');
  const categories = [...new Set(first.map((f) => categoryOf(f.name)))].filter((category) =>
    first.some((f) => categoryOf(f.name) === category && f.windows.length > 0),
  );
  const profile = PROFILES.standard;
  const folds = categories.map((category): FoldResult => {
    let best: { chosen: number; threshold: number; train: number } | undefined;
    for (const [index, files] of candidates.entries()) {
      const fit = optimise(
        files.filter((f) => categoryOf(f.name) !== category),
        profile,
      );
      if (best === undefined || fit.score > best.train)
        best = { chosen: index, threshold: fit.threshold, train: fit.score };
    }
    if (best === undefined) throw new RangeError('no candidate');
    const left = (candidates[best.chosen] ?? []).filter((f) => categoryOf(f.name) === category);
    const raw = left.reduce((sum, f) => sum + scoreFile(f, best.threshold, profile), 0);
    const windows = left.reduce((n, f) => n + f.windows.length, 0);
    return { category, windows, ...best, heldOut: normalise(raw, windows, profile), raw };
  });
  const raw = folds.reduce((sum, f) => sum + f.raw, 0);
  const windows = folds.reduce((n, f) => n + f.windows, 0);
  return { standard: normalise(raw, windows, profile), folds };
}

/**
 * The standard score with no threshold chosen at all: every file scored at the detector's own alarm level
 * (a score at or above it is what the detector calls an alarm), the raw scores summed and normalised over
 * all windows. Nothing is fitted, so it is out of sample for the threshold on any corpus; it can only be
 * below the in-sample sweep's score on the same files.
 */
export function atFixedThreshold(files: readonly ScoredFile[], threshold: number): number {
  const profile = PROFILES.standard;
  const raw = files.reduce((sum, f) => sum + scoreFile(f, threshold, profile), 0);
  const windows = files.reduce((n, f) => n + f.windows.length, 0);
  return normalise(raw, windows, profile);
}
