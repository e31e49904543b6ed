/**
 * Where a detector's NAB points go at one threshold: 100 minus the normalised score split into missed
 * windows, late detections and false positives, per category. The three add up to exactly what the score
 * lacks of 100, so a change can be read as "found a window" or "raised fewer false alarms" rather than as
 * one number. A missed window is also told apart by whether an alert (at `hiddenAt`, the detector's own
 * alarm level) came shortly before it: such an alarm's suppression can hide the window.
 */
import { alertValue, probationaryLength } from './scorer.ts';
import type { Profile, ScoredFile } from './scorer.ts';
import { categoryOf } from './protocol.ts';

export interface Losses {
  readonly windows: number;
  readonly missed: number;
  /** Missed windows with an alarm (score ≥ `hiddenAt`) in the `hiddenRows` rows before them. */
  readonly missedAfterAlarm: number;
  readonly falsePositives: number;
  /** Points of the corpus score lost to each cause (of 100). */
  readonly points: { readonly missed: number; readonly late: number; readonly falsePositives: number };
}

export interface LossOptions {
  readonly threshold: number;
  readonly profile: Profile;
  /** Windows the points are normalised over (the whole corpus', so categories add up). */
  readonly corpusWindows: number;
  readonly hiddenAt: number;
  readonly hiddenRows: number;
}

/** The losses of `files` (summed), in points of a corpus with `corpusWindows` windows. */
export function losses(files: readonly ScoredFile[], options: LossOptions): Losses {
  const { threshold, profile, corpusWindows, hiddenAt, hiddenRows } = options;
  let windows = 0;
  let missed = 0;
  let missedAfterAlarm = 0;
  let falsePositives = 0;
  let late = 0;
  let fpCost = 0;
  for (const file of files) {
    const best = new Array<number>(file.windows.length).fill(Number.NEGATIVE_INFINITY);
    const start = probationaryLength(file.scores.length);
    for (let row = start; row < file.scores.length; row++) {
      if ((file.scores[row] ?? 0) < threshold) continue;
      const { window, value } = alertValue(row, file.windows, profile);
      if (window >= 0) best[window] = Math.max(best[window] ?? value, value);
      else {
        falsePositives += 1;
        fpCost -= value;
      }
    }
    windows += file.windows.length;
    for (const [w, value] of best.entries()) {
      if (value > Number.NEGATIVE_INFINITY) {
        late += profile.tp - value;
        continue;
      }
      missed += 1;
      const from = Math.max(start, (file.windows[w]?.start ?? 0) - hiddenRows);
      for (let row = from; row < (file.windows[w]?.start ?? 0); row++) {
        if ((file.scores[row] ?? 0) >= hiddenAt) {
          missedAfterAlarm += 1;
          break;
        }
      }
    }
  }
  const perPoint = 100 / ((profile.tp + profile.fn) * corpusWindows);
  return {
    windows,
    missed,
    missedAfterAlarm,
    falsePositives,
    points: {
      missed: missed * (profile.tp + profile.fn) * perPoint,
      late: late * perPoint,
      falsePositives: fpCost * perPoint,
    },
  };
}

/** `losses` per category (a category without windows still costs its false positives). */
export function lossesByCategory(
  files: readonly ScoredFile[],
  options: Omit<LossOptions, 'corpusWindows'>,
): Record<string, Losses> {
  const corpusWindows = files.reduce((n, f) => n + f.windows.length, 0);
  const categories = [...new Set(files.map((f) => categoryOf(f.name)))];
  return Object.fromEntries(
    categories.map((c) => [
      c,
      losses(
        files.filter((f) => categoryOf(f.name) === c),
        { ...options, corpusWindows },
      ),
    ]),
  );
}
