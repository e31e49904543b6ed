/**
 * The combined streaming detector: statistical views (and the learned forecaster, when attached) give
 * robust z-scores; the strongest is mapped to a score in [0, 1]; an alarm silences repeats for a while.
 */
import type { AnomalyVerdict, Point, SeriesDetector } from '../series.ts';
import { DEFAULT_STATISTICAL, StatisticalDetector } from './statistical.ts';
import type { StatisticalOptions, ViewSurprise } from './statistical.ts';

export interface AnomalyOptions {
  /** Points learned from before any score is given (NAB: the probationary period). */
  readonly warmup: number;
  /** Points after an alarm during which further scores are held down. */
  readonly suppress: number;
  /** Score at or above which a point raises an alarm (and starts the suppression). */
  readonly alarm: number;
  /** Novelty at which the score reaches one half. */
  readonly noveltyHalf: number;
  readonly statistical: StatisticalOptions;
}

export const DEFAULT_ANOMALY: AnomalyOptions = {
  warmup: 300,
  suppress: 150,
  alarm: 0.5,
  noveltyHalf: 1,
  statistical: DEFAULT_STATISTICAL,
};

export class CombinedDetector implements SeriesDetector {
  private readonly options: AnomalyOptions;
  private readonly statistical: StatisticalDetector;
  private seen = 0;
  private quietUntil = -1;

  constructor(options: Partial<AnomalyOptions> = {}) {
    this.options = { ...DEFAULT_ANOMALY, ...options, statistical: { ...DEFAULT_STATISTICAL, ...options.statistical } };
    this.statistical = new StatisticalDetector(this.options.statistical);
  }

  update(point: Point): AnomalyVerdict {
    const surprises = this.statistical.update(point);
    const index = this.seen;
    this.seen += 1;
    let strongest: ViewSurprise | undefined;
    for (const s of surprises) if (strongest === undefined || s.novelty > strongest.novelty) strongest = s;
    const expected = strongest === undefined
      ? { low: point.value, high: point.value }
      : { low: strongest.expected - 3 * strongest.scale, high: strongest.expected + 3 * strongest.scale };
    if (strongest === undefined || index < this.options.warmup) {
      return { score: 0, observed: point.value, expected, fired: [] };
    }
    const n = strongest.novelty;
    let score = n / (n + this.options.noveltyHalf);
    if (index <= this.quietUntil) score = 0;
    else if (score >= this.options.alarm) this.quietUntil = index + this.options.suppress;
    const fired = surprises
      .filter((s) => Math.abs(s.z) >= 3)
      .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
      .map((s) => s.view);
    return { score, observed: point.value, expected, fired };
  }
}
