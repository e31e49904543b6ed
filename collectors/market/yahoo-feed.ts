import type { RetryPolicy } from '../../platform/backbone/bus.ts';
import type { FeedContext, FeedStatus, MarketFeed, Tick } from './feed.ts';
import { startLoop, type FeedLoop } from './feed-loop.ts';
import { CircuitBreaker, CircuitOpenError } from './yahoo/circuit-breaker.ts';
import { retryWithBackoff } from './yahoo/retry.ts';
import { StalenessTracker } from './yahoo/staleness.ts';
import { TokenBucket } from './yahoo/token-bucket.ts';
import type { HistoryBar, HistoryRequest, QuoteSource, UpstreamQuote } from './yahoo/yahoo-source.ts';

export interface YahooFeedOptions {
  readonly source: QuoteSource;
  readonly symbols: readonly string[];
  readonly pollMs: number;
  /** Symbols per quote request. */
  readonly chunkSize?: number;
  /** Requests in a burst and per second (token bucket). */
  readonly rateLimit?: { readonly capacity: number; readonly perSecond: number };
  readonly retry?: Partial<RetryPolicy>;
  readonly breaker?: { readonly failureThreshold: number; readonly openMs: number };
  readonly staleAfterMs?: number;
  /** Loads a year of daily bars per symbol at start (default true). */
  readonly history?: boolean;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

interface Last {
  time: number;
  price: number;
  dayVolume: number;
}

/** An HTTP status that will not get better by asking again (a 4xx other than 429 Too Many Requests). */
function retryable(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return !(typeof code === 'number' && code >= 400 && code < 500 && code !== 429);
}

/**
 * Polls Yahoo Finance quotes: chunks of symbols per request under a token bucket, each request retried with
 * exponential backoff and jitter inside a circuit breaker; a symbol ticks when its trade time, price or
 * volume moved (size = the volume traded since the previous poll), and symbols whose market trades but
 * whose quote stopped moving are reported stale.
 */
export class YahooFeed implements MarketFeed {
  readonly name = 'yahoo';
  readonly simulated = false;
  readonly #options: YahooFeedOptions;
  readonly #bucket: TokenBucket;
  readonly #breaker: CircuitBreaker;
  readonly #staleness: StalenessTracker;
  readonly #last = new Map<string, Last>();
  readonly #now: () => number;
  readonly #abort = new AbortController();
  #context: FeedContext | undefined;
  #stale = new Set<string>();
  #loop: FeedLoop | undefined;
  #lastPoll: number | undefined;
  #historyRun: Promise<void> = Promise.resolve();

  constructor(options: YahooFeedOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    const rate = options.rateLimit ?? { capacity: 4, perSecond: 2 };
    this.#bucket = new TokenBucket({ ...rate, now: this.#now });
    const breaker = options.breaker ?? { failureThreshold: 3, openMs: 30_000 };
    this.#breaker = new CircuitBreaker({
      ...breaker,
      now: this.#now,
      onStateChange: (state, previous) => {
        this.#context?.health.breaker(state);
        this.#context?.logger.warn({ state, previous }, 'Yahoo circuit breaker changed state');
        if (state === 'closed' && previous !== 'closed') this.#context?.health.reconnect();
      },
    });
    this.#staleness = new StalenessTracker(options.staleAfterMs ?? Math.max(60_000, 3 * options.pollMs));
  }

  get breakerState(): string {
    return this.#breaker.state;
  }

  /** Calls the upstream under the rate limit, the breaker and the retry policy. */
  async #call<T>(context: FeedContext, work: () => Promise<T>): Promise<T> {
    const signal = this.#abort.signal;
    if (!(await this.#bucket.take(signal))) throw new Error('feed stopped');
    return this.#breaker.execute(() =>
      retryWithBackoff(work, {
        signal,
        retryable,
        policy: this.#options.retry ?? { retries: 3, initialBackoffMs: 500, maxBackoffMs: 10_000, multiplier: 2 },
        ...(this.#options.random ? { random: this.#options.random } : {}),
        ...(this.#options.sleep ? { sleep: this.#options.sleep } : {}),
        onRetry: (error, attempt, delayMs) => {
          context.health.error('retry');
          context.logger.warn({ err: error, attempt, delayMs }, 'Yahoo request failed, retrying');
        },
      }),
    );
  }

  /** One poll of every symbol: returns the ticks of what changed (the service publishes them). */
  async poll(context: FeedContext): Promise<Tick[]> {
    this.#context = context;
    const size = this.#options.chunkSize ?? 50;
    const ticks: Tick[] = [];
    for (let i = 0; i < this.#options.symbols.length; i += size) {
      const chunk = this.#options.symbols.slice(i, i + size);
      try {
        const quotes = await this.#call(context, () => this.#options.source.quotes(chunk));
        for (const quote of quotes) {
          const tick = this.#toTick(quote);
          if (tick !== undefined) ticks.push(tick);
        }
      } catch (error) {
        if (error instanceof CircuitOpenError) {
          context.health.error('circuit_open');
          break;
        }
        context.health.error('upstream');
        context.logger.error({ err: error, symbols: chunk.length }, 'Yahoo quote request failed after retries');
      }
    }
    this.#reportStaleness(context);
    this.#lastPoll = this.#now();
    return ticks;
  }

  /** Bar history for one symbol (the chart endpoint), under the same limits. */
  history(symbol: string, request: HistoryRequest): Promise<HistoryBar[]> {
    const context = this.#context;
    if (context === undefined) return this.#options.source.history(symbol, request);
    return this.#call(context, () => this.#options.source.history(symbol, request));
  }

  #toTick(quote: UpstreamQuote): Tick | undefined {
    this.#staleness.observe(quote.symbol, quote.time, quote.marketState, this.#now());
    const last = this.#last.get(quote.symbol);
    const moved =
      last === undefined || quote.time > last.time || quote.price !== last.price || quote.dayVolume !== last.dayVolume;
    if (!moved) return undefined;
    this.#last.set(quote.symbol, { time: quote.time, price: quote.price, dayVolume: quote.dayVolume });
    // A smaller day volume than last time means a new session began.
    const traded =
      last === undefined ? 0 : quote.dayVolume >= last.dayVolume ? quote.dayVolume - last.dayVolume : quote.dayVolume;
    return {
      symbol: quote.symbol,
      price: quote.price,
      size: traded,
      ...(quote.bid !== undefined && quote.ask !== undefined ? { bid: quote.bid, ask: quote.ask } : {}),
      ts: Math.max(0, Math.round(quote.time)),
    };
  }

  #reportStaleness(context: FeedContext): void {
    const stale = new Set(this.#staleness.stale(this.#options.symbols, this.#now()));
    const newly = [...stale].filter((s) => !this.#stale.has(s));
    const recovered = [...this.#stale].filter((s) => !stale.has(s));
    if (newly.length > 0) context.logger.warn({ symbols: newly }, 'Yahoo quotes went stale');
    if (recovered.length > 0) context.logger.info({ symbols: recovered }, 'Yahoo quotes fresh again');
    this.#stale = stale;
    context.health.staleSymbols(stale.size);
  }

  symbols(): readonly string[] {
    return this.#options.symbols;
  }

  /** A year of daily bars per symbol from the chart endpoint, under the same limits as the quotes. */
  async #loadHistory(context: FeedContext): Promise<void> {
    const to = new Date(this.#now());
    const from = new Date(to.getTime() - 366 * 86_400_000);
    const stopped = (): boolean => this.#abort.signal.aborted;
    for (const symbol of this.#options.symbols) {
      if (stopped()) return;
      try {
        const bars = (await this.history(symbol, { from, to, interval: '1d' })).slice(-2_000);
        if (bars.length > 0) await context.history([{ symbol, interval: '1d', bars }]);
      } catch (error) {
        if (stopped()) return;
        context.health.error('backfill');
        context.logger.warn({ err: error, symbol }, 'loading Yahoo history failed');
      }
    }
  }

  /** Symbols currently judged stale. */
  get staleSymbols(): readonly string[] {
    return [...this.#stale].sort();
  }

  status(): FeedStatus {
    return {
      feed: this.name,
      running: this.#loop !== undefined,
      details: {
        symbols: this.#options.symbols.length,
        pollMs: this.#options.pollMs,
        breaker: this.#breaker.state,
        staleSymbols: this.staleSymbols,
        ...(this.#lastPoll === undefined ? {} : { lastPoll: new Date(this.#lastPoll).toISOString() }),
      },
    };
  }

  start(context: FeedContext): Promise<void> {
    this.#context = context;
    context.health.breaker(this.#breaker.state);
    this.#historyRun = this.#options.history === false ? Promise.resolve() : this.#loadHistory(context);
    this.#loop = startLoop(
      this.#options.pollMs,
      async () => {
        const ticks = await this.poll(context);
        if (ticks.length > 0) await context.emit(ticks);
      },
      (error) => {
        context.health.error('publish');
        context.logger.error({ err: error }, 'publishing Yahoo ticks failed');
      },
    );
    context.logger.info(
      { symbols: this.#options.symbols.length, pollMs: this.#options.pollMs },
      'Yahoo Finance feed started',
    );
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop?.stop();
    await this.#historyRun;
    this.#loop = undefined;
  }
}
