import YahooFinance from 'yahoo-finance2';
import { ExtendedCookieJar } from 'yahoo-finance2/lib/cookieJar';
import { z } from 'zod';
import type { Bar } from '../../../platform/market-data/bars/aggregator.ts';
import type { Logger } from '../../../platform/telemetry/logger.ts';

/** The transport the library calls: `fetch`, or a stub that answers with recorded bodies in tests. */
export type Transport = typeof fetch;

/** A quote as the feed needs it, whichever upstream delivered it. */
export interface UpstreamQuote {
  readonly symbol: string;
  /** Last trade price of the current session (pre-, regular or post-market). */
  readonly price: number;
  /** When that trade happened, epoch ms. */
  readonly time: number;
  /** Shares traded in the regular session so far. */
  readonly dayVolume: number;
  readonly bid?: number;
  readonly ask?: number;
  readonly marketState: string;
}

/** A chart bar as market-data builds them (start = bucket start, epoch ms). */
export type HistoryBar = Bar;

export interface HistoryRequest {
  readonly from: Date;
  readonly to: Date;
  readonly interval: '1m' | '5m' | '1h' | '1d';
}

/** The port the Yahoo feed polls: latest quotes for many symbols, and bar history for one. */
export interface QuoteSource {
  quotes(symbols: readonly string[]): Promise<UpstreamQuote[]>;
  history(symbol: string, request: HistoryRequest): Promise<HistoryBar[]>;
}

const optionalNumber = z.number().optional();
const optionalDate = z.date().optional();

/** The fields the feed uses, checked on what the library returns (its types allow `any` in places). */
const libraryQuote = z.object({
  symbol: z.string().min(1),
  marketState: z.string().default('REGULAR'),
  regularMarketPrice: optionalNumber,
  regularMarketTime: optionalDate,
  regularMarketVolume: optionalNumber,
  preMarketPrice: optionalNumber,
  preMarketTime: optionalDate,
  postMarketPrice: optionalNumber,
  postMarketTime: optionalDate,
  bid: optionalNumber,
  ask: optionalNumber,
});
type LibraryQuote = z.output<typeof libraryQuote>;

const positive = (x: number | undefined): number | undefined =>
  x !== undefined && Number.isFinite(x) && x > 0 ? x : undefined;

/** The trade of the session the market is in: pre-market and after-hours prices when Yahoo has them. */
function sessionTrade(q: LibraryQuote): { price: number | undefined; time: Date | undefined } {
  if (q.marketState === 'PRE' && positive(q.preMarketPrice) !== undefined)
    return { price: q.preMarketPrice, time: q.preMarketTime };
  if ((q.marketState === 'POST' || q.marketState === 'POSTPOST') && positive(q.postMarketPrice) !== undefined)
    return { price: q.postMarketPrice, time: q.postMarketTime };
  return { price: q.regularMarketPrice, time: q.regularMarketTime };
}

/**
 * Yahoo Finance through the yahoo-finance2 library (its request building, crumb handling, schema
 * validation and type coercion), with the HTTP transport injected; the library's own options keep it from
 * calling anything else (no version check against npm, no console notices).
 */
export class YahooQuoteSource implements QuoteSource {
  readonly #client: InstanceType<typeof YahooFinance>;

  constructor(options: { transport?: Transport; logger?: Logger } = {}) {
    const log = options.logger;
    this.#client = new YahooFinance({
      ...(options.transport ? { fetch: options.transport } : {}),
      cookieJar: new ExtendedCookieJar(),
      versionCheck: false,
      suppressNotices: ['yahooSurvey'],
      ...(log
        ? {
            logger: {
              info: (...args: unknown[]) => {
                log.debug({ yahoo: args }, 'yahoo-finance2');
              },
              debug: (...args: unknown[]) => {
                log.trace({ yahoo: args }, 'yahoo-finance2');
              },
              warn: (...args: unknown[]) => {
                log.warn({ yahoo: args }, 'yahoo-finance2');
              },
              error: (...args: unknown[]) => {
                log.error({ yahoo: args }, 'yahoo-finance2');
              },
              dir: (...args: unknown[]) => {
                log.debug({ yahoo: args }, 'yahoo-finance2');
              },
            },
          }
        : {}),
    });
  }

  async quotes(symbols: readonly string[]): Promise<UpstreamQuote[]> {
    if (symbols.length === 0) return [];
    const results: unknown[] = await this.#client.quote([...symbols]);
    const quotes: UpstreamQuote[] = [];
    for (const raw of results) {
      const q = libraryQuote.parse(raw);
      const { price, time } = sessionTrade(q);
      if (positive(price) === undefined || time === undefined) continue;
      const bid = positive(q.bid);
      const ask = positive(q.ask);
      quotes.push({
        symbol: q.symbol.toUpperCase(),
        price: price ?? 0,
        time: time.getTime(),
        dayVolume: Math.max(0, Math.round(q.regularMarketVolume ?? 0)),
        // A crossed or one-sided book is not a quote worth passing on.
        ...(bid !== undefined && ask !== undefined && bid <= ask ? { bid, ask } : {}),
        marketState: q.marketState,
      });
    }
    return quotes;
  }

  async history(symbol: string, request: HistoryRequest): Promise<HistoryBar[]> {
    const chart = await this.#client.chart(symbol, {
      period1: request.from,
      period2: request.to,
      interval: request.interval,
    });
    const bars: HistoryBar[] = [];
    for (const q of chart.quotes) {
      // Yahoo leaves null rows for minutes without trades.
      if (q.open == null || q.high == null || q.low == null || q.close == null) continue;
      bars.push({
        start: q.date.getTime(),
        open: q.open,
        high: q.high,
        low: q.low,
        close: q.close,
        volume: q.volume ?? 0,
      });
    }
    return bars;
  }
}
