import { MAX_TICK_FUTURE_MS } from '../../reference/tick-time.ts';
import { bucketOf, intervals, type Interval } from './buckets.ts';

export interface Bar {
  readonly start: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** `open`: the still-open bar changed; `final`: a bar closed; `corrected`: a closed bar changed by a late tick. */
export type BarState = 'open' | 'final' | 'corrected';

export interface BarEvent {
  readonly symbol: string;
  readonly interval: Interval;
  readonly bar: Bar;
  readonly state: BarState;
}

export interface TickInput {
  readonly symbol: string;
  readonly price: number;
  readonly size: number;
  readonly ts: number;
}

export interface AggregatorOptions {
  /** The exchange time zone of a symbol. */
  readonly timeZoneOf: (symbol: string) => string;
  readonly intervals?: readonly Interval[];
  /** A closed bar stays correctable while its end is within this much event time of the newest tick. */
  readonly graceMs?: number;
  /** With no newer tick, a bar closes this long (wall clock) after its end once its symbol went quiet. */
  readonly closeDelayMs?: number;
  /** Ticks stamped further than this ahead of the wall clock are dropped (a bad clock would close every bar). */
  readonly maxFutureMs?: number;
}

interface Building {
  start: number;
  end: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Event times of the ticks that set open and close, so out-of-order ticks land in the right place. */
  openTs: number;
  closeTs: number;
}

interface Stream {
  open: Building | undefined;
  /** Closed bars still inside the grace window, oldest first. */
  closed: Building[];
}

interface SymbolState {
  watermark: number;
  lastTickAt: number;
  streams: Map<Interval, Stream>;
}

export interface AggregatorStats {
  readonly accepted: number;
  readonly corrected: number;
  readonly lateDropped: number;
  readonly futureDropped: number;
}

/**
 * Pure OHLCV aggregation by event time (the tick's `ts`), one open bar per symbol and interval.
 *
 * Late and out-of-order policy: a tick for the open bucket merges in by event time (open is the earliest
 * tick's price, close the latest's). A tick for an already closed bucket whose end lies within `graceMs`
 * of the symbol's newest tick time updates that bar, which is re-emitted as `corrected` (a bucket that
 * had no ticks gets its first bar that way too). Older ticks are dropped and counted. A bar closes
 * (`final`) when a tick of a later bucket arrives, or, for a symbol gone quiet, `closeDelayMs` after its end.
 */
export class BarAggregator {
  readonly #timeZoneOf: (symbol: string) => string;
  readonly #intervals: readonly Interval[];
  readonly #graceMs: number;
  readonly #closeDelayMs: number;
  readonly #maxFutureMs: number;
  readonly #symbols = new Map<string, SymbolState>();
  #accepted = 0;
  #corrected = 0;
  #lateDropped = 0;
  #futureDropped = 0;

  constructor(options: AggregatorOptions) {
    this.#timeZoneOf = options.timeZoneOf;
    this.#intervals = options.intervals ?? intervals;
    this.#graceMs = options.graceMs ?? 10_000;
    this.#closeDelayMs = options.closeDelayMs ?? 2_000;
    this.#maxFutureMs = options.maxFutureMs ?? MAX_TICK_FUTURE_MS;
  }

  /** Folds one tick in at wall-clock time `now`; returns the bar changes it caused, in order. */
  add(tick: TickInput, now: number): BarEvent[] {
    if (tick.ts > now + this.#maxFutureMs) {
      this.#futureDropped += 1;
      return [];
    }
    let state = this.#symbols.get(tick.symbol);
    if (state === undefined) {
      state = { watermark: tick.ts, lastTickAt: now, streams: new Map() };
      this.#symbols.set(tick.symbol, state);
    }
    state.watermark = Math.max(state.watermark, tick.ts);
    state.lastTickAt = now;
    const timeZone = this.#timeZoneOf(tick.symbol);
    const events: BarEvent[] = [];
    let used = false;
    for (const interval of this.#intervals) {
      let stream = state.streams.get(interval);
      if (stream === undefined) {
        stream = { open: undefined, closed: [] };
        state.streams.set(interval, stream);
      }
      const bucket = bucketOf(tick.ts, interval, timeZone);
      const open = stream.open;
      if (open !== undefined && bucket.start === open.start) {
        merge(open, tick);
        events.push(this.#event(tick.symbol, interval, open, 'open'));
        used = true;
        continue;
      }
      const late =
        open === undefined
          ? bucket.end <= state.watermark || stream.closed.some((b) => b.start >= bucket.start)
          : bucket.start < open.start;
      if (!late) {
        this.#close(tick.symbol, interval, stream, events);
        stream.open = fromTick(bucket.start, bucket.end, tick);
        events.push(this.#event(tick.symbol, interval, stream.open, 'open'));
        used = true;
        continue;
      }
      // A bucket that already closed: correct it while in grace (a bucket that had no ticks gets its bar), else drop.
      if (bucket.end <= state.watermark - this.#graceMs) {
        this.#lateDropped += 1;
        continue;
      }
      let bar = stream.closed.find((b) => b.start === bucket.start);
      if (bar === undefined) {
        bar = fromTick(bucket.start, bucket.end, tick);
        stream.closed.push(bar);
        stream.closed.sort((a, b) => a.start - b.start);
      } else merge(bar, tick);
      this.#corrected += 1;
      events.push(this.#event(tick.symbol, interval, bar, 'corrected'));
      used = true;
    }
    if (used) this.#accepted += 1;
    this.#prune(state);
    return events;
  }

  /** Closes the open bars of quiet symbols whose bucket ended at least `closeDelayMs` ago. */
  advance(now: number): BarEvent[] {
    const events: BarEvent[] = [];
    for (const [symbol, state] of this.#symbols) {
      if (now - state.lastTickAt < this.#closeDelayMs) continue;
      for (const [interval, stream] of state.streams) {
        const open = stream.open;
        if (open !== undefined && now >= open.end + this.#closeDelayMs) {
          // Time moved on: the watermark follows so grace is measured from the close.
          state.watermark = Math.max(state.watermark, open.end);
          this.#close(symbol, interval, stream, events);
        }
      }
      this.#prune(state);
    }
    return events;
  }

  /** Drops a symbol's state (its open bar is not closed: the symbol was given up). */
  forget(symbol: string): void {
    this.#symbols.delete(symbol);
  }

  /** Whether the symbol has state here (it ticked, or a bar was resumed, since the start). */
  knows(symbol: string): boolean {
    return this.#symbols.has(symbol);
  }

  /**
   * Takes a bar built elsewhere before now (stored before a restart, or loaded history) whose bucket is still
   * open at `now` as the open bar, so the ticks that follow extend it instead of replacing it; an open bar of
   * the same bucket absorbs it as its earlier part. Returns false (nothing changed) for a bucket already over.
   */
  resume(symbol: string, interval: Interval, bar: Bar, now: number): boolean {
    if (!this.#intervals.includes(interval)) return false;
    const bucket = bucketOf(bar.start, interval, this.#timeZoneOf(symbol));
    if (bucket.start !== bar.start || bucket.end <= now) return false;
    let state = this.#symbols.get(symbol);
    if (state === undefined) {
      state = { watermark: bar.start, lastTickAt: now, streams: new Map() };
      this.#symbols.set(symbol, state);
    }
    let stream = state.streams.get(interval);
    if (stream === undefined) {
      stream = { open: undefined, closed: [] };
      state.streams.set(interval, stream);
    }
    const open = stream.open;
    if (open === undefined) {
      if (stream.closed.some((b) => b.start >= bar.start)) return false;
      stream.open = { ...bar, end: bucket.end, openTs: bar.start, closeTs: bar.start };
      return true;
    }
    if (open.start !== bar.start) return false;
    open.open = bar.open;
    open.openTs = bar.start;
    open.high = Math.max(open.high, bar.high);
    open.low = Math.min(open.low, bar.low);
    open.volume += bar.volume;
    return true;
  }

  /** Every open bar, e.g. to store them at shutdown so a restart resumes them. */
  openBars(): BarEvent[] {
    const events: BarEvent[] = [];
    for (const [symbol, state] of this.#symbols)
      for (const [interval, stream] of state.streams)
        if (stream.open !== undefined) events.push(this.#event(symbol, interval, stream.open, 'open'));
    return events;
  }

  /** The still-open bar of a symbol and interval, if any. */
  current(symbol: string, interval: Interval): Bar | undefined {
    const open = this.#symbols.get(symbol)?.streams.get(interval)?.open;
    return open === undefined ? undefined : toBar(open);
  }

  stats(): AggregatorStats {
    return {
      accepted: this.#accepted,
      corrected: this.#corrected,
      lateDropped: this.#lateDropped,
      futureDropped: this.#futureDropped,
    };
  }

  #close(symbol: string, interval: Interval, stream: Stream, events: BarEvent[]): void {
    const open = stream.open;
    if (open === undefined) return;
    stream.open = undefined;
    stream.closed.push(open);
    events.push(this.#event(symbol, interval, open, 'final'));
  }

  #prune(state: SymbolState): void {
    const horizon = state.watermark - this.#graceMs;
    for (const stream of state.streams.values()) {
      while (stream.closed.length > 0 && (stream.closed[0]?.end ?? Infinity) <= horizon) stream.closed.shift();
    }
  }

  #event(symbol: string, interval: Interval, bar: Building, state: BarState): BarEvent {
    return { symbol, interval, bar: toBar(bar), state };
  }
}

function fromTick(start: number, end: number, tick: TickInput): Building {
  return {
    start,
    end,
    open: tick.price,
    high: tick.price,
    low: tick.price,
    close: tick.price,
    volume: tick.size,
    openTs: tick.ts,
    closeTs: tick.ts,
  };
}

function merge(bar: Building, tick: TickInput): void {
  bar.high = Math.max(bar.high, tick.price);
  bar.low = Math.min(bar.low, tick.price);
  bar.volume += tick.size;
  if (tick.ts < bar.openTs) {
    bar.openTs = tick.ts;
    bar.open = tick.price;
  }
  if (tick.ts >= bar.closeTs) {
    bar.closeTs = tick.ts;
    bar.close = tick.price;
  }
}

function toBar(b: Building): Bar {
  return { start: b.start, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume };
}
