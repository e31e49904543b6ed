/**
 * The robust statistical detector: for each point, how many robust standard deviations it sits from
 * what the recent past says, on several views of the series. Every view keeps a bounded window.
 *
 *  - level/k: the mean of the last k values against the distribution of past k-means (k = 1 catches
 *    spikes and new extremes; larger k catch level shifts earlier than any single noisy value would);
 *  - step: the change from the previous value against past changes (sudden jumps within the range);
 *  - seasonal: the value against the same phase one period earlier, once a period is found (breaks in a
 *    daily pattern that stay inside the usual range).
 */
import { robustScale, SortedWindow } from './rolling.ts';

export interface StatisticalOptions {
  /** Points of history each view keeps. */
  readonly history: number;
  /** Window lengths of the level views. */
  readonly levels: readonly number[];
}

export const DEFAULT_STATISTICAL: StatisticalOptions = { history: 1000, levels: [1, 6, 24] };

export interface ViewSurprise {
  readonly view: string;
  /** Robust z-score (signed: above or below the expectation). */
  readonly z: number;
  readonly expected: number;
  readonly scale: number;
}

class LevelView {
  readonly name: string;
  private readonly k: number;
  private readonly recentValues: Float64Array;
  private sum = 0;
  private seen = 0;
  private readonly means: SortedWindow;

  constructor(k: number, history: number) {
    this.k = k;
    this.name = `level/${String(k)}`;
    this.recentValues = new Float64Array(k);
    this.means = new SortedWindow(history);
  }

  update(value: number): ViewSurprise | undefined {
    const slot = this.seen % this.k;
    this.sum += value - (this.recentValues[slot] ?? 0);
    this.recentValues[slot] = value;
    this.seen += 1;
    if (this.seen < this.k) return undefined;
    const mean = this.sum / this.k;
    let surprise: ViewSurprise | undefined;
    if (this.means.size >= 10) {
      const expected = this.means.quantile(0.5);
      const scale = robustScale(this.means);
      surprise = { view: this.name, z: (mean - expected) / scale, expected, scale };
    }
    this.means.push(mean);
    return surprise;
  }
}

class StepView {
  private readonly steps: SortedWindow;
  private previous = Number.NaN;

  constructor(history: number) {
    this.steps = new SortedWindow(history);
  }

  update(value: number): ViewSurprise | undefined {
    const previous = this.previous;
    this.previous = value;
    if (Number.isNaN(previous)) return undefined;
    const step = value - previous;
    let surprise: ViewSurprise | undefined;
    if (this.steps.size >= 10) {
      const median = this.steps.quantile(0.5);
      const scale = robustScale(this.steps);
      surprise = { view: 'step', z: (step - median) / scale, expected: previous + median, scale };
    }
    this.steps.push(step);
    return surprise;
  }
}

export class StatisticalDetector {
  private readonly views: readonly (LevelView | StepView)[];

  constructor(options: StatisticalOptions = DEFAULT_STATISTICAL) {
    this.views = [...options.levels.map((k) => new LevelView(k, options.history)), new StepView(options.history)];
  }

  /** The surprise of every view that has enough history, before learning from `value`. */
  update(value: number): ViewSurprise[] {
    const out: ViewSurprise[] = [];
    for (const view of this.views) {
      const s = view.update(value);
      if (s !== undefined) out.push(s);
    }
    return out;
  }
}
