/**
 * The robust statistical detector: for each point, how many robust standard deviations it sits from
 * what the recent past expects, on several views of the series, and how that compares with the largest
 * surprise the same view produced lately (its novelty). Every view keeps bounded windows.
 *
 *  - level/k: the mean of the last k values against past k-means (k = 1: spikes and new extremes;
 *    larger k: level shifts, earlier than any single noisy value would show them);
 *  - step: the change from the previous value against past changes (jumps inside the usual range);
 *  - spread/k: the mean absolute change over the last k points against its past (variance changes,
 *    denser spikes);
 *  - seasonal: the value against a time-of-day profile (breaks of a daily pattern inside the range);
 *  - drift: a leaky CUSUM of the values' robust z (small shifts that persist);
 *  - shape: the distance to the nearest earlier stretch of values (a discord: shapes never seen);
 *  - stall: how long the value has not changed, against the longest such run lately (a stuck metric).
 */
import { robustScale, SortedWindow } from './rolling.ts';

export interface StatisticalOptions {
  /** Points of history each view's baseline keeps. */
  readonly history: number;
  /** Window lengths of the level views. */
  readonly levels: readonly number[];
  /** Whether to keep the step view (the learned forecaster can stand in for it). */
  readonly step: boolean;
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
  step: false,
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

const MIN_HISTORY = 10;

/** One way of looking at the series: each point, in time order, gives at most one surprise. */
interface SeriesView {
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
   * lately. Derived statistics (mean change, seasonal residual, shape distance) of a series that is
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

class LevelView extends View {
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

class StepView extends View {
  readonly name = 'step';
  private previous = Number.NaN;

  update({ ts, value }: { ts: number; value: number }): ViewSurprise | undefined {
    const previous = this.previous;
    this.previous = value;
    return Number.isNaN(previous) ? undefined : this.judge(value - previous, previous, ts);
  }
}

class SpreadView extends View {
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

/**
 * The distance from the last `w` values to the nearest earlier stretch of `w` values (a discord score, as
 * in matrix-profile methods): a shape never seen in the remembered past is news even inside the usual
 * range. Not mean-removed, so a familiar shape at a new level also counts. Early abandoning keeps it cheap.
 */
class ShapeView extends View {
  readonly name = 'shape';
  protected override readonly flooredScale = true;
  private readonly ring: Float32Array;
  private readonly w: number;
  private seen = 0;

  constructor(w: number, memory: number, options: StatisticalOptions) {
    super(options);
    this.w = w;
    this.ring = new Float32Array(Math.max(memory, 3 * w));
  }

  update({ ts, value }: { ts: number; value: number }): ViewSurprise | undefined {
    const ring = this.ring;
    const m = ring.length;
    const w = this.w;
    ring[this.seen % m] = value;
    this.seen += 1;
    const t = this.seen - 1;
    const oldest = Math.max(0, this.seen - m) + w - 1;
    // Candidates end at least w points before t (no trivial self-match).
    if (t - w < oldest) return undefined;
    let best = Number.POSITIVE_INFINITY;
    let bestEnd = -1;
    for (let end = t - w; end >= oldest; end--) {
      let d = 0;
      for (let i = 0; i < w && d < best; i++) {
        const a = (ring[(t - i) % m] ?? 0) - (ring[(end - i) % m] ?? 0);
        d += a * a;
      }
      if (d < best) {
        best = d;
        bestEnd = end;
      }
    }
    const surprise = this.judge(Math.sqrt(best / w), 0, ts);
    if (surprise === undefined) return undefined;
    // Only an unusually large distance is news. The explanation's expectation is the nearest match's
    // value, give or take the usual nearest-match distance (judge's expectation is its median).
    return {
      ...surprise,
      novelty: surprise.z > 0 ? surprise.novelty : 0,
      expected: ring[bestEnd % m] ?? value,
      scale: surprise.expected + surprise.scale,
    };
  }
}

/**
 * A leaky two-sided CUSUM (Page 1954) of the robust z of the values, without slack: an exponentially
 * weighted sum of z split by sign, so a small shift that persists adds up until it is news, long before
 * any single point looks odd. Judged like every view (novelty against its own past sums).
 */
class DriftView extends View {
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

const DAY_MS = 86_400_000;

function dayBucket(ts: number, buckets: number): number {
  return Math.floor((((ts % DAY_MS) + DAY_MS) % DAY_MS) / (DAY_MS / buckets));
}

class SeasonalView extends View {
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

/** Runs the stall view remembers at most (bounded state per series). */
const MAX_RUNS = 64;

/**
 * A stuck metric: a value repeated for longer than any run of repeats that ended in the last
 * `scaleMemory` points. Its novelty is the run over that longest run (and over `stall` at least), so it
 * grows while the series stays stuck. A value that does not change is invisible to the other views: it is
 * inside the usual range, its shape (a flat line) was seen before in a series that idles, and a stopped
 * exporter or a hung job shows exactly this. A series that has hardly ever changed is constant, not
 * stuck, and is not judged. The longest run is a maximum over a sliding horizon, not a decayed one: a
 * decayed maximum falls a little between two runs of the same length (a square wave's high half, a job's
 * nightly idle), and the next such run would look a little longer than any before.
 */
class StallView implements SeriesView {
  private readonly minRun: number;
  private readonly horizon: number;
  /** Runs that may still become the longest, oldest first, strictly shorter towards the back. */
  private readonly ends: number[] = [];
  private readonly lengths: number[] = [];
  private previous = Number.NaN;
  private seen = 0;
  private run = 0;
  private changes = 0;

  constructor({ stall, scaleMemory }: StatisticalOptions) {
    this.minRun = stall;
    this.horizon = scaleMemory;
  }

  update({ value }: { ts: number; value: number }): ViewSurprise | undefined {
    const previous = this.previous;
    this.previous = value;
    const t = this.seen++;
    if (value === previous) this.run += 1;
    else {
      if (!Number.isNaN(previous)) this.changes += 1;
      this.remember(t, this.run);
      this.run = 0;
    }
    while ((this.ends[0] ?? t) < t - this.horizon) {
      this.ends.shift();
      this.lengths.shift();
    }
    if (this.changes < MIN_HISTORY) return undefined;
    const longest = this.lengths[0] ?? 0;
    const novelty = this.run / Math.max(this.minRun, longest + 1);
    // z: the run in units of the longest one lately; the expectation is a value that moves.
    return { view: 'stall', z: this.run / Math.max(1, longest), novelty, expected: value, scale: 0 };
  }

  private remember(end: number, length: number): void {
    if (length === 0) return;
    while ((this.lengths.at(-1) ?? Infinity) <= length) {
      this.ends.pop();
      this.lengths.pop();
    }
    // Bounded state: a long strictly shrinking sequence of runs drops its oldest (longest) one early.
    if (this.lengths.length === MAX_RUNS) {
      this.ends.shift();
      this.lengths.shift();
    }
    this.ends.push(end);
    this.lengths.push(length);
  }
}

export class StatisticalDetector {
  private readonly views: readonly SeriesView[];

  constructor(options: StatisticalOptions = DEFAULT_STATISTICAL) {
    const levels = options.levels.map((k) => new LevelView(k, options));
    const values = options.levels.includes(1) ? levels[options.levels.indexOf(1)]?.history : undefined;
    // The drift view reads the values before the level view learns the point, so it goes first.
    const views: View[] = options.drift > 0 ? [new DriftView(options.drift, options, values), ...levels] : levels;
    if (options.step) views.push(new StepView(options));
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
