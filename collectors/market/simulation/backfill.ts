import { exchanges, type Exchange, type Instrument } from '../../../platform/reference/instruments.ts';
import { seededRandom } from '../../../platform/random/seeded.ts';
import {
  BUILT,
  mixSeed,
  scaleDay,
  simulateDay,
  type HistoryBar,
  type HistoryDay,
  type HistoryFrame,
  type HistoryInterval,
} from './backfill-day.ts';
import { defaultParameters, type Regime } from './market-model.ts';
import { localTime, zonedTime } from './session-clock.ts';

export type { HistoryBar, HistoryInterval } from './backfill-day.ts';

export interface BackfillOptions {
  readonly instruments: readonly Instrument[];
  readonly seed: number;
  /** The history ends here (exclusive): where the live feed starts. */
  readonly endMs: number;
  /** The mid each symbol's history ends at (the live model's starting prices). */
  readonly endMids: ReadonlyMap<string, number>;
  /** The volatility regime the live market starts in: the newest day of the history is in it (default calm). */
  readonly endRegime?: Regime;
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

/** Past bars of one symbol and interval, oldest first. */
export interface HistoryBlock {
  readonly symbol: string;
  readonly interval: HistoryInterval;
  readonly bars: readonly HistoryBar[];
}

export type Backfill = ReadonlyMap<HistoryInterval, ReadonlyMap<string, readonly HistoryBar[]>>;

const DAY_MS = 86_400_000;
/** The newest daily bars go out once this many days are made: 100+ daily bars (the chart's first view) early. */
const FIRST_DAILY_DAYS = 130;
/** Bars held before they go out: what is made is handed over at the next day's end past this (memory's bound). */
const MAX_HELD_BARS = 250_000;

/**
 * The days of a history ending at `endMs`, newest first, and what is shared by all of them. The 1s bars end where
 * trading last happened: now during a session, else the last session's end (a weekend shows Friday's close).
 */
export function historyPlan(options: BackfillOptions): { frame: HistoryFrame; days: HistoryDay[] } {
  const exchange = options.exchange ?? exchanges.XNYS;
  const intradayDays = options.intradayDays ?? 8;
  const minuteDays = options.minuteDays ?? 2;
  const days = tradingDays(exchange, options.endMs, options.days ?? 756)
    .reverse()
    .map((d, fromEnd) => ({ ...d, intraday: fromEnd < intradayDays, minutes: fromEnd < minuteDays }));
  const newest = days[0];
  const tradingEnd =
    newest === undefined
      ? options.endMs
      : Math.min(
          options.endMs,
          zonedTime(newest.date, 0, exchange.timeZone) + postEnd(exchange, newest.regularClose) * 60_000,
        );
  const frame: HistoryFrame = {
    instruments: options.instruments,
    seed: options.seed,
    exchange,
    endMs: options.endMs,
    secondsFrom: tradingEnd - (options.seconds ?? 300) * 1_000,
  };
  return { frame, days };
}

/**
 * The regime of each day, newest first, starting from the live market's: the model's two-state Markov chain at
 * daily steps, run backwards (a two-state chain is reversible, so the past it draws is one the chain could have had).
 */
export function regimesBackwards(seed: number, count: number, endRegime: Regime): Regime[] {
  const random = seededRandom(mixSeed(seed >>> 0, 0x68e31da4));
  const { calmToTurbulentPerDay, turbulentToCalmPerDay } = defaultParameters.regimes;
  const regimes: Regime[] = [];
  let regime = endRegime;
  for (let j = 0; j < count; j++) {
    regimes.push(regime);
    const rate = regime === 'calm' ? calmToTurbulentPerDay : turbulentToCalmPerDay;
    if (random() < 1 - Math.exp(-rate)) regime = regime === 'calm' ? 'turbulent' : 'calm';
  }
  return regimes;
}

/**
 * A history that the simulated market could have produced, ending at the live feed's starting prices: the same
 * factor model over the exchange's real trading days (holidays and early closes included), each day from its own
 * seed (`simulateDay`): 13 steps for the older daily bars, minute steps through the extended sessions of the last
 * `intradayDays` (15-second steps over the last `minuteDays`, whose 1m bars are kept), 1-second steps over the last
 * `seconds`. Made **newest day first**: each day is scaled so that it ends where the next one began (the newest at
 * `endMids`), so what a chart shows first exists first. Yields undefined at points where a caller may free the event
 * loop, and the bars made so far as blocks (newest blocks first; each block oldest first) when an interval has
 * enough for a chart: 1s after the newest day, 1m after `minuteDays`, 5m after the newest day and the rest after
 * `intradayDays`, 1h after `intradayDays`, 1d after 130 days and the rest at the end; everything held once more than
 * 250,000 bars are. Deterministic for a seed and an end time.
 */
export function* generateHistory(options: BackfillOptions): Generator<undefined | HistoryBlock[], void> {
  const { frame, days } = historyPlan(options);
  const symbols = options.instruments.map((i) => i.symbol);
  const regimes = regimesBackwards(options.seed, days.length, options.endRegime ?? 'calm');
  const intradayDays = days.filter((d) => d.intraday).length;
  const due = new Map<HistoryInterval, readonly number[]>([
    ['1s', [1]],
    ['1m', [days.filter((d) => d.minutes).length]],
    ['5m', [1, intradayDays]],
    ['1h', [intradayDays]],
    ['1d', [FIRST_DAILY_DAYS]],
  ]);
  // Each symbol's close on the scale of the day being made: the next (newer) day's start.
  const level = options.instruments.map((i) => options.endMids.get(i.symbol) ?? i.basePrice);
  // held[interval][symbol]: days' bars not yet handed over, newest day first.
  const held = BUILT.map(() => symbols.map((): (readonly HistoryBar[])[] => []));
  let heldBars = 0;
  for (const [j, day] of days.entries()) {
    const bars = yield* simulateDay(frame, day, regimes[j] ?? 'calm');
    for (let k = 0; k < symbols.length; k++) {
      level[k] = scaleDay(bars, k, level[k] ?? 1, options.instruments[k]?.basePrice ?? 1);
      for (let i = 0; i < BUILT.length; i++) {
        const made = bars.bars[i]?.[k] ?? [];
        if (made.length === 0) continue;
        held[i]?.[k]?.push(made);
        heldBars += made.length;
      }
    }
    yield;
    const last = j === days.length - 1 || heldBars > MAX_HELD_BARS;
    const ready = BUILT.flatMap((interval, i) => (last || due.get(interval)?.includes(j + 1) === true ? [i] : []));
    if (ready.length === 0) continue;
    const blocks: HistoryBlock[] = [];
    for (const i of ready)
      for (const [k, symbol] of symbols.entries()) {
        const chunks = held[i]?.[k] ?? [];
        if (chunks.length === 0) continue;
        blocks.push({ symbol, interval: BUILT[i] ?? '1d', bars: chunks.reverse().flat() });
        heldBars -= chunks.reduce((n, c) => n + c.length, 0);
        chunks.length = 0;
      }
    if (blocks.length > 0) yield blocks;
  }
}

/** The whole history at once (tests, tools): each symbol's bars per interval, oldest first. */
export function simulateHistory(options: BackfillOptions): Backfill {
  const out = new Map<HistoryInterval, Map<string, HistoryBar[]>>();
  for (const step of generateHistory(options)) {
    if (step === undefined) continue;
    for (const block of step) {
      let bySymbol = out.get(block.interval);
      if (bySymbol === undefined) out.set(block.interval, (bySymbol = new Map<string, HistoryBar[]>()));
      // Blocks come newest first: an older block goes before what is there.
      bySymbol.set(block.symbol, [...block.bars, ...(bySymbol.get(block.symbol) ?? [])]);
    }
  }
  return out;
}

/** Where the after-hours session ends on a day whose regular session ends at `regularClose` (early or not). */
function postEnd(exchange: Exchange, regularClose: number): number {
  return exchange.sessions.post[1] - (exchange.sessions.regular[1] - regularClose);
}

/** The last `count` trading days up to the local date of `endMs` (today only once its pre-market began). */
function tradingDays(exchange: Exchange, endMs: number, count: number): { date: string; regularClose: number }[] {
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
