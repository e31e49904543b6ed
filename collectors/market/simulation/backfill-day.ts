import type { TopicData } from '../../../platform/backbone/topics.ts';
import type { Exchange, Instrument } from '../../../platform/reference/instruments.ts';
import { gaussianSource, seededRandom } from '../../../platform/random/seeded.ts';
import { activityAt, type Activity } from './intraday-profile.ts';
import { defaultParameters, MarketModel, type ModelParameters, type Regime } from './market-model.ts';
import { sessionOfMinute, zonedTime } from './session-clock.ts';

/** A bar of a feed's history as the backbone carries it (`market.history`). */
export type HistoryBar = TopicData<'market.history'>['bars'][number];
export type HistoryInterval = TopicData<'market.history'>['interval'];

/** The intervals a day builds, in the order of a step's bucket starts. */
export const BUILT = ['1s', '1m', '5m', '1h', '1d'] as const satisfies readonly HistoryInterval[];

/** A trading day of the history and how finely it is simulated. */
export interface HistoryDay {
  readonly date: string;
  readonly regularClose: number;
  /** Simulated minute by minute through the extended sessions (its 5m and 1h bars), else in 13 steps. */
  readonly intraday: boolean;
  /** Its 1m bars are kept (15-second steps). */
  readonly minutes: boolean;
}

/** What every day of one history shares. */
export interface HistoryFrame {
  readonly instruments: readonly Instrument[];
  readonly seed: number;
  readonly exchange: Exchange;
  /** The history ends here (exclusive). */
  readonly endMs: number;
  /** Trading seconds from here on are simulated second by second (their 1s bars). */
  readonly secondsFrom: number;
}

/** One day's bars on the day's own price scale: every symbol starts it at its reference price. */
export interface DayBars {
  /** bars[interval index in BUILT][symbol index], oldest first (scaleDay rescales them in place). */
  readonly bars: readonly (readonly HistoryBar[])[][];
  /** Each symbol's last price of the day on the same scale. */
  readonly closes: Float64Array;
}

const SUBSTEPS_PER_DAY = 13;
const SUBSTEPS_PER_MINUTE = 4;
const REGULAR_DAY: Activity = { intensity: 1, volatility: 1, spread: 1 };
/** The day's regime is drawn per day (see backfill.ts): no switching inside a day. */
const DAY_PARAMETERS: ModelParameters = {
  ...defaultParameters,
  regimes: { ...defaultParameters.regimes, calmToTurbulentPerDay: 0, turbulentToCalmPerDay: 0 },
};

/** A 32-bit hash of two integers (murmur3's finaliser): independent seeds per day from one seed. */
export function mixSeed(a: number, b: number): number {
  let h = (a ^ Math.imul(b, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

interface Building {
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** One symbol's bars of one interval, built from consecutive price points. */
class Series {
  readonly bars: Building[] = [];
  #last: Building | undefined;

  /** A price move from `from` to `to` in the bucket starting at `start`, with its volume. */
  add(start: number, from: number, to: number, volume: number): void {
    const last = this.#last;
    if (last?.start === start) {
      if (to > last.high) last.high = to;
      if (to < last.low) last.low = to;
      last.close = to;
      last.volume += volume;
    } else {
      this.#last = { start, open: from, high: Math.max(from, to), low: Math.min(from, to), close: to, volume };
      this.bars.push(this.#last);
    }
  }
}

/**
 * One trading day of the simulated market, from its own seed (the history's seed and the date) and the regime it is
 * in: its path depends on nothing generated before it, so days can be made in any order (newest first on a first
 * start) and give the same bars. Starts from the previous close (each symbol's reference price on the day's scale)
 * with the overnight gap. Yields every half hour of a minute-by-minute day (up to 4,000 steps) so a caller can free
 * the event loop.
 */
export function* simulateDay(frame: HistoryFrame, day: HistoryDay, regime: Regime): Generator<undefined, DayBars> {
  const { instruments, exchange, endMs, secondsFrom } = frame;
  const dayNumber = Date.parse(day.date) / 86_400_000;
  const model = new MarketModel({
    instruments,
    seed: mixSeed((frame.seed ^ 0x5bd1e995) >>> 0, dayNumber),
    stepsPerDay: 1,
    parameters: DAY_PARAMETERS,
  });
  // The previous day's close was the reference price: the first step of the day draws the overnight gap.
  model.restore({ mids: {}, regime, day: 0 });
  const gaussian = gaussianSource(seededRandom(mixSeed((frame.seed ^ 0x27d4eb2d) >>> 0, dayNumber)));
  const noise = (): number => Math.exp(0.3 * gaussian() - 0.045);
  const adv = instruments.map((i) => i.avgDailyVolume);
  const count = instruments.length;
  const series = BUILT.map(() => instruments.map(() => new Series()));
  let prices = new Float64Array(count);
  let next = new Float64Array(count);
  model.copyMids(prices);
  // The bucket each interval's bar of the current step starts at, in BUILT's order (NaN: no bar of that interval).
  const starts = new Float64Array(BUILT.length).fill(Number.NaN);

  const move = (simMs: number, activity: Activity): void => {
    model.advance(simMs, activity, 1);
    model.copyMids(next);
    const share = (activity.intensity * simMs) / (6.5 * 3_600_000);
    for (let k = 0; k < count; k++) {
      const volume = Math.round((adv[k] ?? 0) * share * noise());
      const from = prices[k] ?? 1;
      const to = next[k] ?? 1;
      for (let i = 0; i < BUILT.length; i++) {
        const start = starts[i] ?? Number.NaN;
        if (!Number.isNaN(start)) series[i]?.[k]?.add(start, from, to, volume);
      }
    }
    [prices, next] = [next, prices];
  };

  const tz = exchange.timeZone;
  const midnight = zonedTime(day.date, 0, tz);
  starts[4] = midnight;
  if (!day.intraday) {
    const stepMs = ((exchange.sessions.regular[1] - exchange.sessions.regular[0]) * 60_000) / SUBSTEPS_PER_DAY;
    for (let k = 0; k < SUBSTEPS_PER_DAY; k++) move(stepMs, REGULAR_DAY);
  } else {
    const regular = [exchange.sessions.regular[0], day.regularClose] as const;
    for (let minute = exchange.sessions.pre[0]; minute < exchange.sessions.post[1]; minute++) {
      if (minute % 30 === 0) yield;
      const session = sessionOfMinute(exchange, minute, day.regularClose);
      if (session === 'closed') continue;
      const start = midnight + minute * 60_000;
      if (start >= endMs) break;
      const activity = activityAt({ session, minuteOfDay: minute, day: 0, regular }, 'exchange');
      const perSecond = start + 60_000 > secondsFrom;
      // Days whose 1m bars are not kept feed only 5m and 1h bars: one step a minute draws those well enough.
      const steps = perSecond ? 60 : day.minutes ? SUBSTEPS_PER_MINUTE : 1;
      // A whole-hour-offset zone (New York): 5m and 1h buckets are fixed spans of epoch time.
      starts[1] = day.minutes ? start : Number.NaN;
      starts[2] = Math.floor(start / 300_000) * 300_000;
      starts[3] = Math.floor(start / 3_600_000) * 3_600_000;
      for (let k = 0; k < steps; k++) {
        const at = start + (k * 60_000) / steps;
        if (at >= endMs) break;
        starts[0] = perSecond && at >= secondsFrom ? at : Number.NaN;
        move(60_000 / steps, activity);
      }
    }
  }
  return { bars: series.map((bySymbol) => bySymbol.map((s) => s.bars)), closes: prices };
}

const cents = (x: number): number => Math.max(0.01, Math.round(x * 100) / 100);

/**
 * Puts a day's bars on the price scale that ends it at `close` (a constant factor keeps every return), in place,
 * and returns the previous day's close on that scale (where this day started).
 */
export function scaleDay(day: DayBars, k: number, close: number, reference: number): number {
  const factor = close / (day.closes[k] ?? close);
  for (const bySymbol of day.bars)
    for (const bar of bySymbol[k] ?? []) {
      bar.open = cents(bar.open * factor);
      bar.high = cents(bar.high * factor);
      bar.low = cents(bar.low * factor);
      bar.close = cents(bar.close * factor);
    }
  return reference * factor;
}
