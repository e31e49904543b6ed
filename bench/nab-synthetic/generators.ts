/**
 * Seeded generators of operational series the NAB development subset lacks, each with labelled anomalies
 * and NAB-style windows, to measure a detector's false alarms on bursty and heavy-tailed data (the kinds of
 * realTweets, realKnownCause and realAdExchange, whose files we must not look at). Written from general
 * knowledge of such metrics before measuring any detector on them, and not changed to suit one: the
 * parameters are round numbers, drawn per file from wide ranges.
 *
 * Every file: a normal process, 1-4 anomalies of random kinds at random rows after the probationary
 * period, and NAB's windows (Lavin & Ahmad 2015): centred on each anomaly's first row, together 10% of the
 * file, each window as wide as the file's share divided by the number of anomalies.
 */
import { poisson } from '../../collectors/market/simulation/random.ts';
import { gaussianSource, seededRandom } from '../../platform/random/seeded.ts';
import type { CorpusFile } from '../../detectors/nab/runner.ts';
import { probationaryLength } from '../../detectors/nab/scorer.ts';

export type AnomalyKind = 'shift' | 'burst' | 'drop' | 'variance';

/** What an anomaly does to the process over its rows. */
interface Effect {
  readonly kind: AnomalyKind;
  /** shift, burst: factor on the level; variance: factor on the noise's log-scale spread. */
  readonly factor: number;
}

interface Draws {
  readonly random: () => number;
  readonly gaussian: () => number;
}

/** One generator: a row step and length, anomaly durations (hours) per kind, and the process. */
export interface Generator {
  readonly name: string;
  readonly description: string;
  readonly stepMinutes: number;
  readonly rows: number;
  /** Duration range in hours of each kind of anomaly. */
  readonly hours: Readonly<Record<AnomalyKind, readonly [number, number]>>;
  /** The process: a function of the row, its time, and the anomaly acting on it (if any). */
  readonly process: (draws: Draws) => (row: number, ts: number, effect: Effect | undefined) => number;
}

const HOUR_MS = 3_600_000;
/** 2015-03-02 00:00 UTC, a Monday: the weekly cycle starts on a weekday. */
const START_MS = Date.UTC(2015, 2, 2);

const uniform = (random: () => number, [lo, hi]: readonly [number, number]) => lo + (hi - lo) * random();
const logUniform = (random: () => number, [lo, hi]: readonly [number, number]) =>
  Math.exp(uniform(random, [Math.log(lo), Math.log(hi)]));
const hourOfDay = (ts: number) => (ts % (24 * HOUR_MS)) / HOUR_MS;
/** Monday 0 ... Sunday 6, from the Monday the files start on. */
const weekend = (ts: number) => Math.floor((ts - START_MS) / (24 * HOUR_MS)) % 7 >= 5;
/** A daily cycle peaking mid-afternoon, as log-factor of amplitude `a`. */
const daily = (ts: number, a: number) => a * Math.sin((2 * Math.PI * (hourOfDay(ts) - 9)) / 24);

/** Anomaly factors: shifts either way, bursts well beyond the normal ones, noise spread ×2.5-4. */
function drawEffect(kind: AnomalyKind, random: () => number): Effect {
  if (kind === 'shift')
    return { kind, factor: random() < 0.5 ? logUniform(random, [2, 3]) : logUniform(random, [0.3, 0.5]) };
  if (kind === 'burst') return { kind, factor: logUniform(random, [10, 20]) };
  if (kind === 'variance') return { kind, factor: uniform(random, [2.5, 4]) };
  return { kind, factor: 0 };
}

/**
 * Bursty counts (tweets mentioning a company, every 5 minutes, 55 days): Poisson counts of a rate with
 * a daily cycle, quieter weekends, a slowly wandering log-level (AR(1)), per-point overdispersion
 * (a log-normal factor: a Poisson-log-normal mixture) and normal viral bursts (about one every two days,
 * peak ×2-6, decaying over 0.5-2 hours).
 */
export const burstyCounts: Generator = {
  name: 'bursty-counts',
  description: 'Poisson-log-normal counts, 5 min, 15,840 rows: daily and weekly cycle, viral bursts',
  stepMinutes: 5,
  rows: 15_840,
  hours: { shift: [24, 72], burst: [2, 8], drop: [1, 6], variance: [24, 48] },
  process: ({ random, gaussian }) => {
    const base = logUniform(random, [5, 200]);
    let wander = 0;
    let viral = 0;
    let viralDecay = 1;
    return (_row, ts, effect) => {
      wander = 0.98 * wander + 0.05 * gaussian();
      if (random() < 1 / 576) {
        viral = Math.log(logUniform(random, [2, 6]));
        viralDecay = Math.exp(-1 / uniform(random, [6, 24]));
      }
      viral *= viralDecay;
      const spread = 0.3 * (effect?.kind === 'variance' ? effect.factor : 1);
      let logRate = Math.log(base) + daily(ts, 0.6) + (weekend(ts) ? Math.log(0.7) : 0) + wander + viral;
      logRate += spread * gaussian() - spread ** 2 / 2;
      if (effect?.kind === 'shift' || effect?.kind === 'burst') logRate += Math.log(effect.factor);
      if (effect?.kind === 'drop') return 0;
      return poisson(Math.exp(logRate), random, gaussian);
    };
  },
};

/**
 * Heavy-tailed latencies (a service's request latency in ms, every 5 minutes, 35 days): log-normal around
 * a daily cycle, and on 2% of points a Pareto factor (α = 1.5: garbage collection, retries, a cold cache).
 * A drop is the exporter reporting 0 while no requests arrive.
 */
export const heavyLatency: Generator = {
  name: 'heavy-latency',
  description: 'log-normal latency with Pareto(1.5) tail on 2% of points, 5 min, 10,080 rows',
  stepMinutes: 5,
  rows: 10_080,
  hours: { shift: [24, 72], burst: [1, 4], drop: [1, 6], variance: [24, 48] },
  process: ({ random, gaussian }) => {
    const median = logUniform(random, [20, 300]);
    return (_row, ts, effect) => {
      if (effect?.kind === 'drop') return 0;
      const spread = 0.35 * (effect?.kind === 'variance' ? effect.factor : 1);
      let value = median * Math.exp(daily(ts, 0.3) + spread * gaussian());
      if (random() < 0.02) value *= Math.pow(1 - random(), -1 / 1.5);
      if (effect?.kind === 'shift' || effect?.kind === 'burst') value *= effect.factor;
      return Math.round(value * 10) / 10;
    };
  },
};

/**
 * A sparse hourly business metric (cost per click of an ad campaign, 1,600 hours): Poisson clicks with a
 * strong daily cycle and quiet weekends, each click's price log-normal (σ 0.6); the value is the mean price
 * of the hour's clicks, 0 in an hour without any.
 */
export const hourlyBusiness: Generator = {
  name: 'hourly-business',
  description: 'mean price of Poisson clicks (log-normal prices), hourly, 1,600 rows, 0 without clicks',
  stepMinutes: 60,
  rows: 1600,
  hours: { shift: [24, 72], burst: [2, 8], drop: [3, 12], variance: [24, 48] },
  process: ({ random, gaussian }) => {
    const clicks = logUniform(random, [3, 30]);
    const price = logUniform(random, [0.2, 2]);
    return (_row, ts, effect) => {
      if (effect?.kind === 'drop') return 0;
      const rate = clicks * Math.exp(daily(ts, 0.8)) * (weekend(ts) ? 0.6 : 1);
      const n = poisson(rate, random, gaussian);
      const spread = 0.6 * (effect?.kind === 'variance' ? effect.factor : 1);
      const level = price * (effect?.kind === 'shift' || effect?.kind === 'burst' ? effect.factor : 1);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += level * Math.exp(spread * gaussian() - spread ** 2 / 2);
      return n === 0 ? 0 : Math.round((sum / n) * 1000) / 1000;
    };
  },
};

/** A control without heavy tails: a daily sine and Gaussian noise (5 minutes, 14 days). */
export const gaussianControl: Generator = {
  name: 'gaussian-control',
  description: 'daily sine plus Gaussian noise, 5 min, 4,032 rows (the light-tailed control)',
  stepMinutes: 5,
  rows: 4032,
  hours: { shift: [24, 72], burst: [1, 4], drop: [1, 6], variance: [24, 48] },
  process: ({ gaussian }) => {
    return (_row, ts, effect) => {
      if (effect?.kind === 'drop') return 0;
      const sd = 2 * (effect?.kind === 'variance' ? effect.factor : 1);
      const level = 100 * Math.exp(daily(ts, 0.2));
      const factor = effect?.kind === 'shift' || effect?.kind === 'burst' ? effect.factor : 1;
      return level * factor + sd * gaussian();
    };
  },
};

export const GENERATORS: readonly Generator[] = [burstyCounts, heavyLatency, hourlyBusiness, gaussianControl];

const KINDS: readonly AnomalyKind[] = ['shift', 'burst', 'drop', 'variance'];

/** One labelled file of a generator: rows, windows (row indices) and the anomalies' kinds. */
export function generateFile(generator: Generator, seed: number, index: number): CorpusFile & { kinds: AnomalyKind[] } {
  const random = seededRandom(seed * 1_000_003 + index * 7919 + generator.rows);
  const draws = { random, gaussian: gaussianSource(random) };
  const { rows, stepMinutes } = generator;
  const count = 1 + Math.floor(random() * 4);
  const half = Math.floor((0.1 * rows) / count / 2);
  const first = probationaryLength(rows) + half;
  // Onsets at least a window apart plus the longest anomaly, so windows and effects never overlap.
  const stepsPerHour = 60 / stepMinutes;
  const planned: { start: number; end: number; effect: Effect }[] = [];
  for (let attempt = 0; planned.length < count && attempt < 1000; attempt++) {
    const kind = KINDS[Math.floor(random() * KINDS.length)] ?? 'shift';
    const length = Math.max(1, Math.round(uniform(random, generator.hours[kind]) * stepsPerHour));
    const start = first + Math.floor(random() * (rows - half - 1 - first));
    const end = Math.min(rows - 1, start + length - 1);
    if (planned.every((p) => end + half < p.start - half || start - half > p.end + half))
      planned.push({ start, end, effect: drawEffect(kind, random) });
  }
  planned.sort((a, b) => a.start - b.start);
  const value = generator.process(draws);
  const out = Array.from({ length: rows }, (_, row) => {
    const ts = START_MS + row * stepMinutes * 60_000;
    const effect = planned.find((p) => row >= p.start && row <= p.end)?.effect;
    return { timestamp: new Date(ts).toISOString().slice(0, 19).replace('T', ' '), ts, value: value(row, ts, effect) };
  });
  return {
    file: { name: `${generator.name}/seed${String(seed)}-${String(index)}.csv`, rows: out },
    windows: planned.map((p) => ({ start: p.start - half, end: p.start + half })),
    kinds: planned.map((p) => p.effect.kind),
  };
}
