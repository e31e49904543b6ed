/**
 * Correlation-change detection with Fisher's z transform: z = atanh(r) is close to normal with variance
 * 1/(n - 3), so two independent windows differ significantly when
 * |atanh r1 - atanh r2| / sqrt(1/(n1-3) + 1/(n2-3)) is large (Fisher 1921; Cohen et al. 2003, ch. 2.8).
 */
import { normalTwoSided } from './distributions.ts';
import { AnalyticsInputError } from './errors.ts';
import { RollingCorrelation } from './rolling.ts';

export interface FisherZTest {
  readonly z: number;
  readonly pvalue: number;
}

function atanhClamped(r: number): number {
  const c = Math.min(1 - 1e-15, Math.max(-1 + 1e-15, r));
  return Math.atanh(c);
}

export function fisherZTest(r1: number, n1: number, r2: number, n2: number): FisherZTest {
  if (n1 < 4 || n2 < 4)
    throw new AnalyticsInputError(`Fisher z test needs at least 4 points per window, got ${n1} and ${n2}`);
  const z = (atanhClamped(r1) - atanhClamped(r2)) / Math.sqrt(1 / (n1 - 3) + 1 / (n2 - 3));
  return { z, pvalue: normalTwoSided(z) };
}

export interface BreakDetectorOptions {
  /** Recent window (points). */
  readonly recent: number;
  /** Baseline window (points), the span just before the recent one. */
  readonly baseline: number;
  /** Significance level of the two-sided Fisher test. */
  readonly alpha: number;
  /** Smallest |r_recent - r_baseline| worth reporting, whatever the p-value. */
  readonly minDelta: number;
  /** Points to wait after a break before reporting the same pair again. */
  readonly cooldown: number;
}

export interface CorrelationBreak {
  readonly baseline: number;
  readonly recent: number;
  readonly delta: number;
  readonly z: number;
  readonly pvalue: number;
  readonly baselineN: number;
  readonly recentN: number;
}

/**
 * Streams a pair of returns through two adjacent rolling windows (the baseline lags the recent one by
 * `recent` points) and reports a break when they differ significantly. Both windows update in O(1).
 */
export class CorrelationBreakDetector {
  private readonly options: BreakDetectorOptions;
  private readonly recentWindow: RollingCorrelation;
  private readonly baselineWindow: RollingCorrelation;
  private readonly delayX: number[] = [];
  private readonly delayY: number[] = [];
  private quiet = 0;

  constructor(options: BreakDetectorOptions) {
    if (!(options.alpha > 0 && options.alpha < 1))
      throw new AnalyticsInputError(`alpha must be in (0, 1), got ${options.alpha}`);
    this.options = options;
    this.recentWindow = new RollingCorrelation(options.recent);
    this.baselineWindow = new RollingCorrelation(options.baseline);
  }

  push(x: number, y: number): CorrelationBreak | undefined {
    const recent = this.recentWindow.push(x, y);
    // The baseline sees each point `recent` steps later, so the two windows never overlap.
    this.delayX.push(x);
    this.delayY.push(y);
    let baseline: number | null = null;
    if (this.delayX.length > this.options.recent) {
      baseline = this.baselineWindow.push(this.delayX.shift() ?? 0, this.delayY.shift() ?? 0);
    }
    if (this.quiet > 0) {
      this.quiet--;
      return undefined;
    }
    if (recent === null || baseline === null) return undefined;
    const test = fisherZTest(recent, this.options.recent, baseline, this.options.baseline);
    const delta = recent - baseline;
    if (test.pvalue >= this.options.alpha || Math.abs(delta) < this.options.minDelta) return undefined;
    this.quiet = this.options.cooldown;
    return {
      baseline,
      recent,
      delta,
      z: test.z,
      pvalue: test.pvalue,
      baselineN: this.options.baseline,
      recentN: this.options.recent,
    };
  }
}
