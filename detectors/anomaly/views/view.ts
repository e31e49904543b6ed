/**
 * What every statistical view shares: the options, the surprise a view reports, and the base class that
 * judges a statistic by its robust z against a bounded baseline and turns it into a novelty.
 */
import { robustScale, SortedWindow } from '../rolling.ts';

export interface StatisticalOptions {
  /** Points of history each view's baseline keeps. */
  readonly history: number;
  /** Window lengths of the level views. */
  readonly levels: readonly number[];
  /** Window length of the spread view (0: none). */
  readonly spread: number;
  /** Time-of-day buckets of the seasonal view (0: none). */
  readonly dailyBuckets: number;
  /** Novelty compares |z| with its maximum over about this many past points. */
  readonly memory: number;
  /** |z| below this never counts as novel, however quiet the view was. */
  readonly zFloor: number;
  /** Novelty also divides by the |z| a view gave at the same time of day lately (decay per visit). */
  readonly phaseDecay: number;
  /** Quantile of past |z| that novelty divides by (the max would blind a view for long after one event). */
  readonly noveltyQuantile: number;
  /** Length of the shape view's subsequences (0: no shape view). */
  readonly shape: number;
  /** Points of the past the shape view searches for the nearest earlier subsequence. */
  readonly shapeMemory: number;
  /** Leak of the drift view's CUSUM per point (0: no drift view). */
  readonly drift: number;
  /**
   * The spread, seasonal and shape views' scale never falls below this share of the largest scale they
   * had lately (0: off), so a quiet stretch longer than `history` cannot shrink it to the tiny floor.
   */
  readonly scaleFloor: number;
  /** Points over which that remembered largest scale halves (and the stall view's horizon). */
  readonly scaleMemory: number;
  /** Repeats of one value before the stall view may call a series stuck (0: no stall view). */
  readonly stall: number;
}

export const DEFAULT_STATISTICAL: StatisticalOptions = {
  history: 1000,
  levels: [1],
  spread: 12,
  dailyBuckets: 96,
  memory: 1024,
  zFloor: 5,
  noveltyQuantile: 0.995,
  phaseDecay: 0.997,
  shape: 24,
  shapeMemory: 1000,
  drift: 0.95,
  scaleFloor: 0.05,
  scaleMemory: 8000,
  stall: 10,
};

export interface ViewSurprise {
  readonly view: string;
  /** Robust z-score (signed: above or below the expectation). */
  readonly z: number;
  /** |z| over a high quantile of the |z| this view gave lately (floored); > 1 means rarer than that. */
  readonly novelty: number;
  readonly expected: number;
  readonly scale: number;
}

/** Statistics a view needs before it judges. */
export const MIN_HISTORY = 10;

/** One way of looking at the series: each point, in time order, gives at most one surprise. */
export interface SeriesView {
  update(point: { ts: number; value: number }): ViewSurprise | undefined;
}

/** A view: a baseline window of some statistic of the series, and its recent surprises. */
export abstract class View implements SeriesView {
  abstract readonly name: string;
  private readonly baseline: SortedWindow;
  private readonly pastZ: SortedWindow;
  /** Decayed max |z| per time-of-day bucket: a jump that happens every day at 9:00 is not news. */
  private readonly phaseZ: Float32Array;
  private readonly zFloor: number;
  private readonly q: number;
  private readonly decay: number;
  /** Whether the scale is floored by its remembered largest value (views of derived statistics). */
  protected readonly flooredScale: boolean = false;
  private readonly scaleFloor: number;
  private readonly scaleDecay: number;
  private largestScale = 0;

  constructor({
    history,
    memory,
    zFloor,
    noveltyQuantile,
    dailyBuckets,
    phaseDecay,
    scaleFloor,
    scaleMemory,
  }: StatisticalOptions) {
    this.scaleFloor = scaleFloor;
    this.scaleDecay = Math.pow(0.5, 1 / scaleMemory);
    this.zFloor = zFloor;
    this.q = noveltyQuantile;
    this.decay = phaseDecay;
    this.baseline = new SortedWindow(history);
    this.pastZ = new SortedWindow(memory);
    this.phaseZ = new Float32Array(dailyBuckets);
  }

  abstract update(point: { ts: number; value: number }): ViewSurprise | undefined;

  /** The window of past statistics the view judges against (read-only use by a sibling view). */
  get history(): SortedWindow {
    return this.baseline;
  }

  /**
   * Scores `stat` against the baseline, then learns it. `offset` maps the stat back to the value scale;
   * `ts` places it in the day for the per-phase memory of surprises.
   */
  protected judge(stat: number, offset: number, ts: number): ViewSurprise | undefined {
    let surprise: ViewSurprise | undefined;
    if (this.baseline.size >= MIN_HISTORY) {
      const median = this.baseline.quantile(0.5);
      const scale = this.scale();
      const z = (stat - median) / scale;
      const size = Math.abs(z);
      let past = this.pastZ.size === 0 ? this.zFloor : Math.max(this.zFloor, this.pastZ.quantile(this.q));
      const buckets = this.phaseZ.length;
      if (buckets > 0) {
        const b = dayBucket(ts, buckets);
        for (const n of [b - 1, b, b + 1]) past = Math.max(past, this.phaseZ[(n + buckets) % buckets] ?? 0);
        this.phaseZ[b] = Math.max(size, (this.phaseZ[b] ?? 0) * this.decay);
      }
      surprise = { view: this.name, z, novelty: size / past, expected: offset + median, scale };
      this.pastZ.push(size);
    }
    this.baseline.push(stat);
    return surprise;
  }

  /**
   * The baseline's robust scale; for a floored view at least `scaleFloor` times the largest one it had
   * lately. Derived statistics (median change, seasonal residual, shape distance) of a series that is
   * mostly idle sit at exactly zero for longer than the window at times: their scale then collapses to
   * the tiny floor, and the next ordinary burst scored z ≈ 1e13 (and alarmed) as if it were the first.
   */
  private scale(): number {
    const scale = robustScale(this.baseline);
    if (!this.flooredScale || this.scaleFloor <= 0) return scale;
    this.largestScale = Math.max(scale, this.largestScale * this.scaleDecay);
    return Math.max(scale, this.scaleFloor * this.largestScale);
  }
}

const DAY_MS = 86_400_000;

export function dayBucket(ts: number, buckets: number): number {
  return Math.floor((((ts % DAY_MS) + DAY_MS) % DAY_MS) / (DAY_MS / buckets));
}
