import { robustScale, SortedWindow } from '../rolling.ts';
import type { StatisticalOptions, ViewSurprise } from './view.ts';
import { View } from './view.ts';

/**
 * A leaky two-sided CUSUM (Page 1954) of the robust z of the values, without slack: an exponentially
 * weighted sum of z split by sign, so a small shift that persists adds up until it is news, long before
 * any single point looks odd. Judged like every view (novelty against its own past sums).
 */
export class DriftView extends View {
  readonly name = 'drift';
  private readonly values: SortedWindow;
  /** Whether `values` is this view's own (else the level view's baseline, which that view fills). */
  private readonly owner: boolean;
  private readonly leak: number;
  private up = 0;
  private down = 0;

  constructor(leak: number, options: StatisticalOptions, shared: SortedWindow | undefined) {
    super(options);
    this.leak = leak;
    this.owner = shared === undefined;
    this.values = shared ?? new SortedWindow(options.history);
  }

  update({ ts, value }: { ts: number; value: number }): ViewSurprise | undefined {
    let out: ViewSurprise | undefined;
    if (this.values.size >= 10) {
      const median = this.values.quantile(0.5);
      // Clipped at ±3 so one spike cannot fill the sum by itself (the level view judges spikes).
      const z = Math.max(-3, Math.min(3, (value - median) / robustScale(this.values)));
      this.up = Math.max(0, this.leak * this.up + z);
      this.down = Math.max(0, this.leak * this.down - z);
      const s = this.judge(Math.max(this.up, this.down), 0, ts);
      if (s !== undefined)
        out = { ...s, novelty: s.z > 0 ? s.novelty : 0, expected: median, scale: robustScale(this.values) };
    }
    if (this.owner) this.values.push(value);
    return out;
  }
}
