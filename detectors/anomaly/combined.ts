/**
 * The combined streaming detector: statistical views (and the learned forecaster, when attached) give
 * robust z-scores and novelties; the strongest novelty, over the series' current alarm bar, is mapped to
 * a score in [0, 1]; an alarm silences repeats for a while and raises the bar (alarm fatigue control).
 */
import type { AnomalyVerdict, Point, SeriesDetector } from '../series.ts';
import { DEFAULT_STATISTICAL, StatisticalDetector } from './statistical.ts';
import type { StatisticalOptions, ViewSurprise } from './statistical.ts';
import { DEFAULT_FORECASTER } from './learned.ts';
import type { LearnedForecaster } from './learned.ts';
import { LearnedView } from './learned-view.ts';

export interface AnomalyOptions {
  /** Points learned from before any score is given (NAB: the probationary period). */
  readonly warmup: number;
  /** Points after an alarm during which further scores are held down (unless `suppressMs` ends it first). */
  readonly suppress: number;
  /** Score at or above which a point raises an alarm (and starts the suppression). */
  readonly alarm: number;
  readonly statistical: StatisticalOptions;
  /**
   * The learned view: a family's shared forecaster, 'self' to train one per series on the first 60% of
   * the warm-up (NAB: the probationary period), or 'off'.
   */
  readonly learned: LearnedForecaster | 'self' | 'off';
  /**
   * The learned view lifts a statistical novelty only from this size on (1: it can raise the severity of
   * a statistical alarm, never make one: below 1 it added NAB false positives).
   */
  readonly confirmFrom: number;
  /** Each alarm raises the novelty needed for the next by this factor (alarm fatigue control; 1: off). */
  readonly barGain: number;
  /** Points over which the raised bar halves its excess back towards 1. */
  readonly barHalfLife: number;
  /** The suppression also ends once this much time has passed (ms; 0: points only). */
  readonly suppressMs: number;
  /** The shape view's z below which the recent shape counts as familiar (seen in the remembered past). */
  readonly familiarShape: number;
  /** The other views' novelties are weighted by this on a familiar shape (1: shape never discounts). */
  readonly familiarWeight: number;
}

export const DEFAULT_ANOMALY: AnomalyOptions = {
  warmup: 300,
  suppress: 150,
  alarm: 0.5,
  statistical: DEFAULT_STATISTICAL,
  learned: 'off',
  confirmFrom: 1,
  barGain: 1.1,
  barHalfLife: 1250,
  suppressMs: 45_000_000,
  familiarShape: 1,
  familiarWeight: 0.5,
};

/**
 * The view with the largest novelty. A familiar shape (the shape view's distance to the nearest earlier
 * stretch is not above its usual, z < `familiarShape`) makes the other views' surprises less convincing:
 * their novelties count `familiarWeight` times as much, so a marginal jump that leaves the recent shape
 * like one already seen needs more novelty to alarm. The shape view's own novelty is never weighted, nor
 * the stall view's: a stuck value is a flat line, a shape any series that idles has seen.
 */
export function strongestSurprise(
  surprises: readonly ViewSurprise[],
  { familiarShape, familiarWeight }: Pick<AnomalyOptions, 'familiarShape' | 'familiarWeight'>,
): ViewSurprise | undefined {
  const shape = surprises.find((s) => s.view === 'shape');
  const weight = shape !== undefined && shape.z < familiarShape ? familiarWeight : 1;
  let strongest: ViewSurprise | undefined;
  for (const s of surprises) {
    const judged = s === shape || s.view === 'stall' || weight === 1 ? s : { ...s, novelty: s.novelty * weight };
    if (strongest === undefined || judged.novelty > strongest.novelty) strongest = judged;
  }
  return strongest;
}

export class CombinedDetector implements SeriesDetector {
  private readonly options: AnomalyOptions;
  private readonly statistical: StatisticalDetector;
  private readonly learned: LearnedView | undefined;
  private seen = 0;
  private quietUntil = -1;
  private quietUntilTs = Number.POSITIVE_INFINITY;
  /** Novelty an alarm needs now: 1, raised by each alarm, relaxing back over time. */
  private bar = 1;
  private readonly barDecay: number;

  constructor(options: Partial<AnomalyOptions> = {}) {
    this.options = { ...DEFAULT_ANOMALY, ...options, statistical: { ...DEFAULT_STATISTICAL, ...options.statistical } };
    this.statistical = new StatisticalDetector(this.options.statistical);
    this.barDecay = Math.pow(0.5, 1 / this.options.barHalfLife);
    const { learned, warmup } = this.options;
    if (learned !== 'off') {
      const shared = learned === 'self' ? undefined : learned;
      const lags = shared?.options.lags ?? DEFAULT_FORECASTER.lags;
      this.learned = new LearnedView(
        this.options.statistical,
        shared,
        Math.max(lags * 4, Math.floor(0.6 * warmup)),
        lags,
      );
    }
  }

  get warmup(): number {
    return this.options.warmup;
  }

  update(point: Point): AnomalyVerdict {
    const surprises = this.statistical.update(point);
    const learned = this.learned?.update(point);
    const index = this.seen;
    this.seen += 1;
    const strongest = strongestSurprise(surprises, this.options);
    // The stall view expects no value in particular, only one that moves: the range is the level view's.
    const ranged = strongest?.view === 'stall' ? (surprises.find((s) => s.view === 'level') ?? strongest) : strongest;
    const expected =
      ranged === undefined
        ? { low: point.value, high: point.value }
        : { low: ranged.expected - 3 * ranged.scale, high: ranged.expected + 3 * ranged.scale };
    if (strongest === undefined || index < this.options.warmup) {
      return { score: 0, observed: point.value, expected, fired: [] };
    }
    // The learned view confirms: alone it cannot raise an alarm, agreeing with a statistical alarm it
    // lifts its score (geometric mean of the two novelties).
    const n =
      learned === undefined || strongest.novelty < this.options.confirmFrom
        ? strongest.novelty
        : Math.max(strongest.novelty, Math.sqrt(strongest.novelty * learned.novelty));
    this.bar = 1 + (this.bar - 1) * this.barDecay;
    const relative = n / this.bar;
    let score = relative / (relative + 1);
    // The view that set an alarming score leads the explanation even when its z is small (a stall's).
    const raisedBy = score >= this.options.alarm ? strongest.view : undefined;
    if (index <= this.quietUntil && point.ts < this.quietUntilTs) score = 0;
    else if (score >= this.options.alarm) {
      this.quietUntil = index + this.options.suppress;
      this.quietUntilTs = this.options.suppressMs > 0 ? point.ts + this.options.suppressMs : Number.POSITIVE_INFINITY;
      this.bar *= this.options.barGain;
    }
    const fired = [...surprises, ...(learned === undefined ? [] : [learned])]
      .filter((s) => Math.abs(s.z) >= 3 && s.view !== raisedBy)
      .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
      .map((s) => s.view);
    return { score, observed: point.value, expected, fired: raisedBy === undefined ? fired : [raisedBy, ...fired] };
  }
}
