/**
 * An ART-style detector (after ARTime's idea, written from the published Fuzzy ART algorithm: Carpenter,
 * Grossberg & Rosen 1991, not from ARTime's AGPL code): windows of the series, scaled by the warm-up's
 * range, are learned as Fuzzy ART categories (complement-coded hyperboxes, fast learning); a window that
 * matches no category as well as the least familiar ordinary window of the warm-up did is an alarm. Scores
 * are near-binary (1 for an alarm, below one half otherwise), so a threshold chosen on other series costs
 * nothing. A fatigue bar and a suppression after each alarm, as in the combined detector.
 */
import type { AnomalyVerdict, Point, SeriesDetector } from '../series.ts';
import { DEFAULT_ANOMALY } from './combined.ts';

/** Published Fuzzy ART choice parameter (small: prefer the category that fits the input most closely). */
const CHOICE_ALPHA = 0.001;

export interface ArtOptions {
  readonly warmup: number;
  /** Points per window and the segments it is averaged into (the features). */
  readonly window: number;
  readonly segments: number;
  /** Vigilance for learning: a window joins a category only if it matches it at least this well. */
  readonly vigilance: number;
  /** Categories kept per series (the least recently chosen is replaced): the memory bound. */
  readonly categories: number;
  /**
   * ARTime's windowing: each segment spans warmup / (segments · 13) points (13 windows per probationary
   * period) and is represented by its value farthest from the segment's mean, so a spike survives.
   */
  readonly downsample: boolean;
  /** Diagnostic only (look-ahead, as NAB's inputMin/inputMax): the range to scale by instead of the warm-up's. */
  readonly range?: { readonly low: number; readonly high: number };
}

export const DEFAULT_ART: ArtOptions = {
  warmup: 300,
  window: 24,
  segments: 8,
  vigilance: 0.9,
  categories: 64,
  downsample: false,
};

/** Fuzzy ART over complement-coded inputs in [0, 1]^d, fast learning, a bounded set of categories. */
export class FuzzyArt {
  private readonly d: number;
  private readonly weights: Float32Array[] = [];
  private readonly lastUsed: number[] = [];
  private clock = 0;

  private readonly vigilance: number;
  private readonly max: number;

  constructor(d: number, vigilance: number, max: number) {
    this.d = d;
    this.vigilance = vigilance;
    this.max = max;
  }

  /** The best match |I ∧ w| / d of the input over all categories (0 when none), then learns the input. */
  learn(x: Float32Array): number {
    this.clock += 1;
    const d = this.d;
    let bestMatch = 0;
    let chosen = -1;
    let chosenT = -1;
    for (const [j, w] of this.weights.entries()) {
      let overlap = 0;
      let size = 0;
      for (let i = 0; i < d; i++) {
        const xi = x[i] ?? 0;
        overlap += Math.min(xi, w[i] ?? 0) + Math.min(1 - xi, w[d + i] ?? 0);
        size += (w[i] ?? 0) + (w[d + i] ?? 0);
      }
      const match = overlap / d;
      if (match > bestMatch) bestMatch = match;
      const t = overlap / (CHOICE_ALPHA + size);
      // The category chosen is the most active one that resonates (passes vigilance).
      if (match >= this.vigilance && t > chosenT) {
        chosenT = t;
        chosen = j;
      }
    }
    const w = chosen >= 0 ? this.weights[chosen] : undefined;
    if (w !== undefined) {
      for (let i = 0; i < d; i++) {
        const xi = x[i] ?? 0;
        w[i] = Math.min(xi, w[i] ?? 0);
        w[d + i] = Math.min(1 - xi, w[d + i] ?? 0);
      }
      this.lastUsed[chosen] = this.clock;
      return bestMatch;
    }
    const fresh = new Float32Array(2 * d);
    for (let i = 0; i < d; i++) {
      fresh[i] = x[i] ?? 0;
      fresh[d + i] = 1 - (x[i] ?? 0);
    }
    if (this.weights.length < this.max) {
      this.weights.push(fresh);
      this.lastUsed.push(this.clock);
    } else {
      let oldest = 0;
      for (let j = 1; j < this.lastUsed.length; j++)
        if ((this.lastUsed[j] ?? 0) < (this.lastUsed[oldest] ?? 0)) oldest = j;
      this.weights[oldest] = fresh;
      this.lastUsed[oldest] = this.clock;
    }
    return bestMatch;
  }
}

export class ArtDetector implements SeriesDetector {
  private readonly options: ArtOptions;
  private readonly ring: Float64Array;
  private readonly window: number;
  private readonly per: number;
  private readonly features: Float32Array;
  private readonly art: FuzzyArt;
  private readonly barDecay: number;
  private warmupValues: number[] = [];
  private seen = 0;
  private low = 0;
  private high = 1;
  /** The lowest best match an ordinary window got in the second half of the warm-up. */
  private usual = 1;
  private bar = 1;
  private quietUntil = -1;
  private quietUntilTs = Number.POSITIVE_INFINITY;

  constructor(options: Partial<ArtOptions> = {}) {
    this.options = { ...DEFAULT_ART, ...options };
    const { segments, warmup, downsample } = this.options;
    this.per = downsample ? Math.max(1, Math.floor(warmup / (segments * 13))) : this.options.window / segments;
    this.window = this.per * segments;
    this.ring = new Float64Array(this.window);
    this.features = new Float32Array(this.options.segments);
    this.art = new FuzzyArt(this.options.segments, this.options.vigilance, this.options.categories);
    this.barDecay = Math.pow(0.5, 1 / DEFAULT_ANOMALY.barHalfLife);
  }

  get warmup(): number {
    return this.options.warmup;
  }

  update(point: Point): AnomalyVerdict {
    const index = this.seen;
    this.seen += 1;
    const { warmup } = this.options;
    const window = this.window;
    this.ring[index % window] = point.value;
    const expected = { low: this.low, high: this.high };
    if (index < warmup) {
      this.warmupValues.push(point.value);
      if (index === warmup - 1) this.learnWarmup();
      return { score: 0, observed: point.value, expected, fired: [] };
    }
    const match = this.art.learn(this.featuresAt(index, (i) => this.ring[i % window] ?? 0));
    this.bar = 1 + (this.bar - 1) * this.barDecay;
    const miss = (1 - match) / Math.max(1e-9, 1 - this.usual) / this.bar;
    let score = miss > 1 ? 1 : 0.5 * miss * miss;
    if (index <= this.quietUntil && point.ts < this.quietUntilTs) score = 0;
    else if (score >= DEFAULT_ANOMALY.alarm) {
      this.quietUntil = index + DEFAULT_ANOMALY.suppress;
      this.quietUntilTs = point.ts + DEFAULT_ANOMALY.suppressMs;
      this.bar *= DEFAULT_ANOMALY.barGain;
    }
    return { score, observed: point.value, expected, fired: score >= DEFAULT_ANOMALY.alarm ? ['art'] : [] };
  }

  /** Range from the warm-up, then its windows learned in order; the second half sets the usual match. */
  private learnWarmup(): void {
    const values = this.warmupValues;
    this.low = this.options.range?.low ?? Math.min(...values);
    this.high = this.options.range?.high ?? Math.max(...values);
    const window = this.window;
    for (let end = window - 1; end < values.length; end++) {
      const match = this.art.learn(this.featuresAt(end, (i) => values[i] ?? 0));
      if (end >= values.length / 2 && match < this.usual) this.usual = match;
    }
    this.warmupValues = [];
  }

  /** Segment means of the window ending at `end`, scaled to the warm-up's range and clipped to [0, 1]. */
  private featuresAt(end: number, at: (i: number) => number): Float32Array {
    const { segments, downsample } = this.options;
    const { window, per } = this;
    const span = this.high - this.low || 1;
    for (let s = 0; s < segments; s++) {
      let sum = 0;
      let low = Number.POSITIVE_INFINITY;
      let high = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < per; k++) {
        const v = at(end - window + 1 + s * per + k);
        sum += v;
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
      const mean = sum / per;
      const value = !downsample ? mean : high - mean > mean - low ? high : low;
      const x = (value - this.low) / span;
      this.features[s] = Math.min(1, Math.max(0, x));
    }
    return this.features;
  }
}

/**
 * The combined detector and the ART detector side by side: the larger score, one shared suppression after
 * an alarm of either (each keeps its own fatigue bar and suppression inside).
 */
export class EitherDetector implements SeriesDetector {
  private readonly combined: SeriesDetector;
  private readonly art: ArtDetector;
  private seen = 0;
  private quietUntil = -1;
  private quietUntilTs = Number.POSITIVE_INFINITY;

  constructor(combined: SeriesDetector, art: ArtDetector) {
    this.combined = combined;
    this.art = art;
  }

  get warmup(): number {
    return this.art.warmup;
  }

  update(point: Point): AnomalyVerdict {
    const index = this.seen;
    this.seen += 1;
    const a = this.combined.update(point);
    const b = this.art.update(point);
    const verdict = b.score > a.score ? { ...a, score: b.score, fired: [...b.fired, ...a.fired] } : a;
    if (index <= this.quietUntil && point.ts < this.quietUntilTs) return { ...verdict, score: 0 };
    if (verdict.score >= DEFAULT_ANOMALY.alarm) {
      this.quietUntil = index + DEFAULT_ANOMALY.suppress;
      this.quietUntilTs = point.ts + DEFAULT_ANOMALY.suppressMs;
    }
    return verdict;
  }
}
