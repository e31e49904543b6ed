/**
 * The median absolute change over the last k points against its past: variance changes. The median, not the
 * mean: one spike is two large changes of k, which moves a mean (and duplicated the level view's alarm on
 * every spike of a heavy-tailed series) but not the median; a lasting change of variance moves both.
 */
import type { StatisticalOptions, ViewSurprise } from './view.ts';
import { View } from './view.ts';

export class SpreadView extends View {
  readonly name = 'spread';
  protected override readonly flooredScale = true;
  private readonly steps: Float64Array;
  /** The steps sorted for the median (kept to avoid an allocation per point). */
  private readonly sorted: Float64Array;
  private previous = Number.NaN;
  private seen = 0;

  constructor(k: number, options: StatisticalOptions) {
    super(options);
    this.steps = new Float64Array(k);
    this.sorted = new Float64Array(k);
  }

  update({ ts, value }: { ts: number; value: number }): ViewSurprise | undefined {
    const previous = this.previous;
    this.previous = value;
    if (Number.isNaN(previous)) return undefined;
    const k = this.steps.length;
    this.steps[this.seen % k] = Math.abs(value - previous);
    this.seen += 1;
    if (this.seen < k) return undefined;
    this.sorted.set(this.steps);
    this.sorted.sort();
    const mid = k >> 1;
    const median = k % 2 === 1 ? (this.sorted[mid] ?? 0) : ((this.sorted[mid - 1] ?? 0) + (this.sorted[mid] ?? 0)) / 2;
    const surprise = this.judge(median, 0, ts);
    // Expected range of the value itself: around the previous value, one expected spread either side.
    return surprise && { ...surprise, expected: previous };
  }
}
