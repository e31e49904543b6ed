import type { TopicData } from '../../../platform/backbone/topics.ts';
import { exchanges, type Exchange, type Instrument } from '../../../platform/reference/instruments.ts';
import { gaussianSource, seededRandom } from '../../../platform/random/seeded.ts';
import { activityAt, type Activity } from './intraday-profile.ts';
import { MarketModel } from './market-model.ts';
import { localTime, sessionOfMinute, zonedTime } from './session-clock.ts';

/** A bar of a feed's history as the backbone carries it (`market.history`). */
export type HistoryBar = TopicData<'market.history'>['bars'][number];
export type HistoryInterval = TopicData<'market.history'>['interval'];

export interface BackfillOptions {
  readonly instruments: readonly Instrument[];
  readonly seed: number;
  /** The history ends here (exclusive): where the live feed starts. */
  readonly endMs: number;
  /** The mid each symbol's history ends at (the live model's starting prices). */
  readonly endMids: ReadonlyMap<string, number>;
  readonly exchange?: Exchange;
  /** Trading days of daily bars (default 756, three years). */
  readonly days?: number;
  /** The most recent trading days simulated minute by minute: their 5m and 1h bars (default 8). */
  readonly intradayDays?: number;
  /** The most recent trading days whose 1m bars are kept (default 2). */
  readonly minuteDays?: number;
  /** Trading seconds before the end simulated second by second: their 1s bars (default 300). */
  readonly seconds?: number;
}

export type Backfill = ReadonlyMap<HistoryInterval, ReadonlyMap<string, readonly HistoryBar[]>>;

const DAY_MS = 86_400_000;
const SUBSTEPS_PER_DAY = 13;
const SUBSTEPS_PER_MINUTE = 4;
const REGULAR_DAY: Activity = { intensity: 1, volatility: 1, spread: 1 };

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

/** The intervals built, in the order of a step's bucket starts (NaN: the step is in no bar of that interval). */
const BUILT = ['1s', '1m', '5m', '1h', '1d'] as const;

/**
 * A history that the simulated market could have produced, ending at the live feed's starting prices:
 * the same factor model, stepped over the exchange's real trading days (holidays and early closes
 * included): half-hour steps for the older daily bars, minute steps through the extended sessions of the last
 * `intradayDays` (15-second steps over the last `minuteDays`, whose 1m bars are kept), 1-second steps over the
 * last `seconds`. Every coarser bar aggregates the finer ones of its bucket, so the intervals agree. Each symbol's
 * path is scaled (a constant factor keeps every return) so that its last close is its `endMids` price.
 * Deterministic for a seed and an end time.
 */
export function simulateHistory(options: BackfillOptions): Backfill {
  const steps = generate(options);
  let step = steps.next();
  while (step.done !== true) step = steps.next();
  return step.value;
}

/**
 * The same history, generated in slices of about `sliceMs` with the event loop free in between: the first start
 * keeps answering HTTP and trading live while it backfills (a worker thread costs more to start than this work).
 */
export async function simulateHistoryInSlices(options: BackfillOptions, sliceMs = 15): Promise<Backfill> {
  const steps = generate(options);
  let sliceStart = performance.now();
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done === true) return step.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/** Generates the history in steps of 20 older days or half an hour of a minute-by-minute day. */
function* generate(options: BackfillOptions): Generator<undefined, Backfill> {
  const exchange = options.exchange ?? exchanges.XNYS;
  const tz = exchange.timeZone;
  const symbols = options.instruments.map((i) => i.symbol);
  const model = new MarketModel({
    instruments: options.instruments,
    seed: (options.seed ^ 0x5bd1e995) >>> 0,
    stepsPerDay: 1,
  });
  const random = seededRandom((options.seed ^ 0x27d4eb2d) >>> 0);
  const gaussian = gaussianSource(random);
  const noise = (): number => Math.exp(0.3 * gaussian() - 0.045);
  const adv = options.instruments.map((i) => i.avgDailyVolume);
  const series = BUILT.map(() => symbols.map(() => new Series()));
  const days = tradingDays(exchange, options.endMs, options.days ?? 756);
  const intradayFrom = Math.max(0, days.length - (options.intradayDays ?? 8));
  const minuteFrom = Math.max(0, days.length - (options.minuteDays ?? 2));
  const lastDay = days.at(-1);
  // The 1s bars end where trading last happened: now during a session, else the last session's end.
  const tradingEnd =
    lastDay === undefined
      ? options.endMs
      : Math.min(options.endMs, zonedTime(lastDay.date, 0, tz) + postEnd(exchange, lastDay.regularClose) * 60_000);
  const secondsFrom = tradingEnd - (options.seconds ?? 300) * 1_000;
  let prices = new Float64Array(symbols.length);
  let next = new Float64Array(symbols.length);
  model.copyMids(prices);
  // The bucket each interval's bar of the current step starts at, in BUILT's order (reused: no allocation a step).
  const starts = new Float64Array(BUILT.length).fill(Number.NaN);

  const move = (simMs: number, activity: Activity, day: number): void => {
    model.advance(simMs, activity, day);
    model.copyMids(next);
    const share = (activity.intensity * simMs) / (6.5 * 3_600_000);
    for (let k = 0; k < symbols.length; k++) {
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

  for (let d = 0; d < days.length; d++) {
    const { date, regularClose } = days[d] ?? { date: '', regularClose: 0 };
    const midnight = zonedTime(date, 0, tz);
    starts.fill(Number.NaN);
    starts[4] = midnight;
    if (d < intradayFrom) {
      const stepMs = ((exchange.sessions.regular[1] - exchange.sessions.regular[0]) * 60_000) / SUBSTEPS_PER_DAY;
      for (let k = 0; k < SUBSTEPS_PER_DAY; k++) move(stepMs, REGULAR_DAY, d);
      if (d % 20 === 0) yield;
      continue;
    }
    const regular = [exchange.sessions.regular[0], regularClose] as const;
    for (let minute = exchange.sessions.pre[0]; minute < exchange.sessions.post[1]; minute++) {
      // A minute-by-minute day is up to 4,000 steps: a chance to yield every half hour keeps slices near their size.
      if (minute % 30 === 0) yield;
      const session = sessionOfMinute(exchange, minute, regularClose);
      if (session === 'closed') continue;
      const start = midnight + minute * 60_000;
      if (start >= options.endMs) break;
      const activity = activityAt({ session, minuteOfDay: minute, day: d, regular }, 'exchange');
      const perSecond = start + 60_000 > secondsFrom;
      // Days whose 1m bars are not kept feed only 5m and 1h bars: one step a minute draws those well enough.
      const steps = perSecond ? 60 : d >= minuteFrom ? SUBSTEPS_PER_MINUTE : 1;
      // A whole-hour-offset zone (New York): 5m and 1h buckets are fixed spans of epoch time.
      starts[1] = d >= minuteFrom ? start : Number.NaN;
      starts[2] = Math.floor(start / 300_000) * 300_000;
      starts[3] = Math.floor(start / 3_600_000) * 3_600_000;
      for (let k = 0; k < steps; k++) {
        const at = start + (k * 60_000) / steps;
        if (at >= options.endMs) break;
        starts[0] = perSecond && at >= secondsFrom ? at : Number.NaN;
        move(60_000 / steps, activity, d);
      }
    }
    yield;
  }
  return yield* finish(options, symbols, series, prices);
}

/** Keeps each symbol's bars that have any, scaled to its end price: a step each. */
function* finish(
  options: BackfillOptions,
  symbols: readonly string[],
  series: readonly (readonly Series[])[],
  lastPrices: Float64Array,
): Generator<undefined, Backfill> {
  const out = new Map<HistoryInterval, Map<string, HistoryBar[]>>();
  for (const [k, symbol] of symbols.entries()) {
    yield;
    const end = options.endMids.get(symbol);
    const factor = end === undefined ? 1 : end / (lastPrices[k] ?? end);
    for (const [i, interval] of BUILT.entries()) {
      const bars = series[i]?.[k]?.bars ?? [];
      if (bars.length === 0) continue;
      let bySymbol = out.get(interval);
      if (bySymbol === undefined) out.set(interval, (bySymbol = new Map<string, HistoryBar[]>()));
      for (const b of bars) scale(b, factor);
      bySymbol.set(symbol, bars);
    }
  }
  return out;
}

const cents = (x: number): number => Math.max(0.01, Math.round(x * 100) / 100);

/** Scales a bar built here in place (a copy of each of some 90,000 bars would only feed the collector). */
function scale(b: Building, factor: number): void {
  b.open = cents(b.open * factor);
  b.high = cents(b.high * factor);
  b.low = cents(b.low * factor);
  b.close = cents(b.close * factor);
}

/** Where the after-hours session ends on a day whose regular session ends at `regularClose` (early or not). */
function postEnd(exchange: Exchange, regularClose: number): number {
  return exchange.sessions.post[1] - (exchange.sessions.regular[1] - regularClose);
}

/** The last `count` trading days up to the local date of `endMs` (today only once its pre-market began). */
export function tradingDays(
  exchange: Exchange,
  endMs: number,
  count: number,
): { date: string; regularClose: number }[] {
  const today = localTime(endMs, exchange.timeZone);
  const days: { date: string; regularClose: number }[] = [];
  for (let day = today.day; days.length < count && day > today.day - 2 * count - 30; day--) {
    if (day === today.day && today.minuteOfDay <= exchange.sessions.pre[0]) continue;
    const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    const trading = exchange.calendar(date);
    if (trading.open) days.push({ date, regularClose: trading.regularClose });
  }
  return days.reverse();
}
