/** The mean absolute change over the last k points against its past: variance changes, denser spikes. */
import type { StatisticalOptions, ViewSurprise } from './view.ts';
import { View } from './view.ts';

export class SpreadView extends View {
  readonly name = 'spread';
  protected override readonly flooredScale = true;
  private readonly steps: Float64Array;
  private previous = Number.NaN;
  private sum = 0;
  private seen = 0;

  constructor(k: number, options: StatisticalOptions) {
    super(options);
    this.steps = new Float64Array(k);
  }

  update({ ts, value }: { ts: number; value: number }): ViewSurprise | undefined {
    const previous = this.previous;
    this.previous = value;
    if (Number.isNaN(previous)) return undefined;
    const step = Math.abs(value - previous);
    const slot = this.seen % this.steps.length;
    this.sum += step - (this.steps[slot] ?? 0);
    this.steps[slot] = step;
    this.seen += 1;
    if (this.seen % 1024 === 0) this.sum = this.steps.reduce((a, b) => a + b, 0);
    if (this.seen < this.steps.length) return undefined;
    const surprise = this.judge(this.sum / this.steps.length, 0, ts);
    // Expected range of the value itself: around the previous value, one expected spread either side.
    return surprise && { ...surprise, expected: previous };
  }
}
