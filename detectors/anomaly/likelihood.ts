/**
 * Anomaly likelihood (Ahmad et al. 2017, doi:10.1016/j.neucom.2017.04.070; NuPIC's `anomaly_likelihood.py`
 * as NAB's numenta detector runs it): an inner detector's scores are judged against this series' own
 * history of them. The mean of the last 10 scores is compared with a normal fitted to that mean over the
 * last 8640 points (refitted every 100); the output is the log of its two-sided tail probability, so a
 * score is alarming only when it is unusual for this series. Every constant is the published one: the
 * inner detector learns for the first half of the warm-up, its scores over the second half give the first
 * fit, and nothing is chosen here.
 */
import gammainc from '@stdlib/math-base-special-gammainc';
import type { AnomalyVerdict, Point, SeriesDetector } from '../series.ts';

const AVERAGING = 10;
const HISTORY = 8640;
const REFIT_EVERY = 100;
/** NuPIC's lower bounds: a near-silent history must not turn the slightest blip into an alarm. */
const MIN_MEAN = 0.03;
const MIN_VARIANCE = 0.0003;
/** NuPIC's `computeLogLikelihood`: log(1.0000000001 - likelihood) / log(1e-10), likelihood = 1 - tail. */
const LOG_FLOOR = 1e-10;
const LOG_SCALE = Math.log(LOG_FLOOR);

/** P(|X − mean| ≥ |x − mean|) / 2 for a normal: NuPIC's `tailProbability` (a dip is as unusual as a rise). */
export function tailProbability(x: number, mean: number, stdev: number): number {
  const z = Math.abs(x - mean) / stdev;
  return gammainc((z * z) / 2, 0.5, true, true) / 2;
}

/** The log-scaled likelihood in [0, 1]: 0 for an ordinary average, 1 at a tail probability of 1e-10. */
export function logLikelihood(tail: number): number {
  return Math.min(1, Math.max(0, Math.log(tail + LOG_FLOOR) / LOG_SCALE));
}

/**
 * Wraps a detector whose `warmup` is half of this one's: it scores from then on, and those scores are the
 * first history the normal is fitted on. Bounded: the history holds at most 8640 averages.
 */
export class LikelihoodDetector implements SeriesDetector {
  readonly warmup: number;
  private readonly inner: SeriesDetector;
  private readonly recent: number[] = [];
  private recentSum = 0;
  private readonly history = new Float64Array(HISTORY);
  private stored = 0;
  private seen = 0;
  private mean = MIN_MEAN;
  private stdev = Math.sqrt(MIN_VARIANCE);

  constructor(inner: SeriesDetector, warmup: number) {
    this.inner = inner;
    this.warmup = warmup;
  }

  update(point: Point): AnomalyVerdict {
    const verdict = this.inner.update(point);
    const index = this.seen;
    this.seen += 1;
    this.recent.push(verdict.score);
    this.recentSum += verdict.score;
    if (this.recent.length > AVERAGING) this.recentSum -= this.recent.shift() ?? 0;
    const average = this.recentSum / this.recent.length;
    const learning = index < (this.inner.warmup ?? 0);
    let score = 0;
    if (index >= this.warmup) {
      if ((index - this.warmup) % REFIT_EVERY === 0) this.refit();
      score = logLikelihood(tailProbability(average, this.mean, this.stdev));
    }
    // The inner detector's learning period is not its behaviour: it is left out of the history, as NuPIC does.
    if (!learning) this.remember(average);
    return { ...verdict, score };
  }

  private remember(average: number): void {
    this.history[this.stored % HISTORY] = average;
    this.stored += 1;
  }

  private refit(): void {
    const n = Math.min(this.stored, HISTORY);
    if (n === 0) return;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.history[i] ?? 0;
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += ((this.history[i] ?? 0) - mean) ** 2;
    this.mean = Math.max(MIN_MEAN, mean);
    this.stdev = Math.sqrt(Math.max(MIN_VARIANCE, squares / n));
  }
}
