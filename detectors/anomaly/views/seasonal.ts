/** The value against a time-of-day profile: breaks of a daily pattern that stay inside the usual range. */
import type { StatisticalOptions, ViewSurprise } from './view.ts';
import { dayBucket, View } from './view.ts';

export class SeasonalView extends View {
  readonly name = 'seasonal';
  protected override readonly flooredScale = true;
  private readonly profile: Float64Array;
  private readonly seen: Uint16Array;

  constructor(buckets: number, options: StatisticalOptions) {
    super(options);
    this.profile = new Float64Array(buckets);
    this.seen = new Uint16Array(buckets);
  }

  update({ ts, value }: { ts: number; value: number }): ViewSurprise | undefined {
    const buckets = this.profile.length;
    const bucket = dayBucket(ts, buckets);
    const expected = this.profile[bucket] ?? 0;
    const seen = this.seen[bucket] ?? 0;
    // The first visits average; later ones track slowly so that one odd day does not redraw the profile.
    const rate = Math.max(0.1, 1 / (seen + 1));
    this.profile[bucket] = expected + rate * (value - expected);
    this.seen[bucket] = Math.min(seen + 1, 60_000);
    return seen < 3 ? undefined : this.judge(value - expected, expected, ts);
  }
}
