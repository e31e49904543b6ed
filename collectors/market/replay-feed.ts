import { exchanges, type Exchange } from '../../platform/reference/instruments.ts';
import type { FeedContext, FeedStatus, HistoryBatch, MarketFeed, Tick } from './feed.ts';
import { startLoop, type FeedLoop } from './feed-loop.ts';
import { barPath } from './replay/bar-path.ts';
import type { DailyBar } from './replay/ohlcv-csv.ts';
import { zonedTime } from './simulation/session-clock.ts';

export interface ReplayFeedOptions {
  /** Daily bars by symbol (see loadDailyBars). */
  readonly bars: ReadonlyMap<string, readonly DailyBar[]>;
  /** Wall-clock milliseconds to replay one trading day. */
  readonly dayMs: number;
  /** Wall-clock milliseconds between batches; a day is emitted in dayMs / stepMs batches. */
  readonly stepMs: number;
  /** Trades per bar (at least 4: open, high, low, close). */
  readonly ticksPerBar?: number;
  readonly exchange?: Exchange;
  /** Replays only the days from this date (YYYY-MM-DD) on. */
  readonly from?: string;
}

/**
 * Replays daily OHLCV history at a chosen speed: each trading day becomes, per symbol, a path of trades
 * through the bar's open, extremes and close, stamped at their historical time in the regular session
 * (so bars built from them have the recorded OHLCV), emitted in time order over `dayMs` of wall time.
 * It ends after the last day.
 */
export class ReplayFeed implements MarketFeed {
  readonly name = 'replay';
  readonly simulated = false;
  readonly #options: ReplayFeedOptions;
  readonly #exchange: Exchange;
  readonly #days: string[];
  #loop: FeedLoop | undefined;
  #day = 0;
  #finished: () => void = () => undefined;
  /** Resolves once every day has been replayed. */
  readonly finished: Promise<void>;

  constructor(options: ReplayFeedOptions) {
    if ((options.ticksPerBar ?? 4) < 4) throw new RangeError('ticksPerBar must be at least 4');
    this.#options = options;
    this.#exchange = options.exchange ?? exchanges.XNYS;
    const days = new Set<string>();
    for (const bars of options.bars.values())
      for (const bar of bars) if (options.from === undefined || bar.date >= options.from) days.add(bar.date);
    this.#days = [...days].sort();
    this.finished = new Promise((resolve) => {
      this.#finished = resolve;
    });
  }

  symbols(): readonly string[] {
    return [...this.#options.bars.keys()];
  }

  /** The recorded daily bars before the first replayed day: the chart's history when the replay starts. */
  history(): HistoryBatch[] {
    const first = this.#days[0] ?? '';
    const batches: HistoryBatch[] = [];
    for (const [symbol, bars] of this.#options.bars) {
      const past = bars
        .filter((b) => b.date < first)
        .map((b) => ({
          start: zonedTime(b.date, 0, this.#exchange.timeZone),
          open: b.open,
          high: b.high,
          low: b.low,
          close: b.close,
          volume: b.volume,
        }));
      if (past.length > 0) batches.push({ symbol, interval: '1d', bars: past });
    }
    return batches;
  }

  /** Trading days to replay, in order. */
  get days(): readonly string[] {
    return this.#days;
  }

  /** Every trade of one day across symbols, in time order. */
  dayTicks(date: string): Tick[] {
    const [open, close] = this.#exchange.sessions.regular;
    const start = zonedTime(date, open, this.#exchange.timeZone);
    const end = zonedTime(date, close, this.#exchange.timeZone) - 1;
    const ticks: Tick[] = [];
    for (const [symbol, bars] of this.#options.bars) {
      const bar = findBar(bars, date);
      if (bar !== undefined) ticks.push(...barPath(symbol, bar, start, end, this.#options.ticksPerBar ?? 20));
    }
    return ticks.sort((a, b) => a.ts - b.ts);
  }

  status(): FeedStatus {
    const current = this.#days[this.#day];
    return {
      feed: this.name,
      running: this.#loop !== undefined && current !== undefined,
      details: {
        symbols: [...this.#options.bars.keys()],
        days: this.#days.length,
        replayed: this.#day,
        ...(current === undefined ? {} : { date: current }),
        dayMs: this.#options.dayMs,
      },
    };
  }

  start(context: FeedContext): Promise<void> {
    const { dayMs, stepMs } = this.#options;
    const history = this.history();
    if (history.length > 0)
      context.history(history).catch((error: unknown) => {
        context.health.error('backfill');
        context.logger.error({ err: error }, 'publishing the recorded history failed');
      });
    const slices = Math.max(1, Math.round(dayMs / stepMs));
    let slice = 0;
    let current: Tick[] = [];
    this.#loop = startLoop(
      stepMs,
      async () => {
        const date = this.#days[this.#day];
        if (date === undefined) {
          // Nothing left: end the loop (not awaited: this step is the one stop() would wait for).
          void this.#loop?.stop();
          this.#finished();
          return;
        }
        if (slice === 0) current = this.dayTicks(date);
        const from = Math.floor((current.length * slice) / slices);
        const to = Math.floor((current.length * (slice + 1)) / slices);
        slice++;
        if (slice === slices) {
          slice = 0;
          this.#day++;
          if (this.#day === this.#days.length) context.logger.info({ days: this.#days.length }, 'replay finished');
        }
        if (to > from) await context.emit(current.slice(from, to));
      },
      (error) => {
        context.health.error('publish');
        context.logger.error({ err: error }, 'publishing replayed ticks failed');
      },
    );
    context.logger.info({ symbols: this.#options.bars.size, days: this.#days.length, dayMs }, 'market replay started');
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.#loop?.stop();
    this.#loop = undefined;
    this.#finished();
  }
}

/** Binary search: bars are in ascending date order. */
function findBar(bars: readonly DailyBar[], date: string): DailyBar | undefined {
  let lo = 0;
  let hi = bars.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const bar = bars[mid];
    if (bar === undefined) return undefined;
    if (bar.date === date) return bar;
    if (bar.date < date) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}
