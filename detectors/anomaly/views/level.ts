/** The value itself (k = 1: spikes and new extremes) or the mean of the last k values (level shifts). */
import type { StatisticalOptions, ViewSurprise } from './view.ts';
import { View } from './view.ts';

export class LevelView extends View {
  readonly name: string;
  private readonly recentValues: Float64Array;
  private sum = 0;
  private seen = 0;

  constructor(k: number, options: StatisticalOptions) {
    super(options);
    this.name = k === 1 ? 'level' : `level/${String(k)}`;
    this.recentValues = new Float64Array(k);
  }

  update({ ts, value }: { ts: number; value: number }): ViewSurprise | undefined {
    const k = this.recentValues.length;
    const slot = this.seen % k;
    this.sum += value - (this.recentValues[slot] ?? 0);
    this.recentValues[slot] = value;
    this.seen += 1;
    if (this.seen % 1024 === 0) this.sum = this.recentValues.reduce((a, b) => a + b, 0);
    return this.seen < k ? undefined : this.judge(this.sum / k, 0, ts);
  }
}
