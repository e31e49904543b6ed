/**
 * The robust statistical detector: for each point, how many robust standard deviations it sits from
 * what the recent past expects, on several views of the series, and how that compares with the largest
 * surprise the same view produced lately (its novelty). Every view keeps bounded windows.
 *
 *  - level/k: the mean of the last k values against past k-means (k = 1: spikes and new extremes;
 *    larger k: level shifts, earlier than any single noisy value would show them);
 *  - spread/k: the median absolute change over the last k points against its past (variance changes; one
 *    spike does not move a median);
 *  - seasonal: the value against a time-of-day profile (breaks of a daily pattern inside the range);
 *  - drift: a leaky CUSUM of the values' robust z (small shifts that persist);
 *  - shape: the distance to the nearest earlier stretch of values (a discord: shapes never seen);
 *  - stall: how long the value has not changed, against the longest such run lately (a stuck metric).
 */
import type { SeriesView, StatisticalOptions, View } from './views/view.ts';
import type { ViewSurprise } from './views/view.ts';
import { DEFAULT_STATISTICAL } from './views/view.ts';
import { DriftView } from './views/drift.ts';
import { LevelView } from './views/level.ts';
import { SeasonalView } from './views/seasonal.ts';
import { ShapeView } from './views/shape.ts';
import { SpreadView } from './views/spread.ts';
import { StallView } from './views/stall.ts';

export type { StatisticalOptions, ViewSurprise } from './views/view.ts';
export { DEFAULT_STATISTICAL } from './views/view.ts';

export class StatisticalDetector {
  private readonly views: readonly SeriesView[];

  constructor(options: StatisticalOptions = DEFAULT_STATISTICAL) {
    const levels = options.levels.map((k) => new LevelView(k, options));
    const values = options.levels.includes(1) ? levels[options.levels.indexOf(1)]?.history : undefined;
    // The drift view reads the values before the level view learns the point, so it goes first.
    const views: View[] = options.drift > 0 ? [new DriftView(options.drift, options, values), ...levels] : levels;
    if (options.spread > 0) views.push(new SpreadView(options.spread, options));
    if (options.dailyBuckets > 0) views.push(new SeasonalView(options.dailyBuckets, options));
    if (options.shape > 0) views.push(new ShapeView(options.shape, options.shapeMemory, options));
    this.views = options.stall > 0 ? [...views, new StallView(options)] : views;
  }

  /** The surprise of every view that has enough history, judged before learning from the point. */
  update(point: { ts: number; value: number }): ViewSurprise[] {
    const out: ViewSurprise[] = [];
    for (const view of this.views) {
      const s = view.update(point);
      if (s !== undefined) out.push(s);
    }
    return out;
  }
}
