import type { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { searchInstruments } from '../reference/instruments.ts';
import type { Bar } from './bars/aggregator.ts';
import { intervals, type Interval } from './bars/buckets.ts';
import type { OpenApiRegistry } from '../http/openapi.ts';
import type { Quote } from './quote-book.ts';

/** What the REST routes read: the live state and the history of the market-data service. */
export interface MarketDataView {
  quote(symbol: string): Quote | undefined;
  quotes(): Quote[];
  /** Feed symbols (seen on the backbone), for symbols outside the instrument catalog. */
  feedSymbols(): Iterable<string>;
  isKnown(symbol: string): boolean;
  /** Whether the running feed produces the symbol (its announced universe): the rest of the catalog has no data. */
  isLive(symbol: string): boolean;
  timeZoneOf(symbol: string): string;
  history(symbol: string, interval: Interval, from: number, to: number, limit: number): Bar[];
}

const symbol = z
  .string()
  .regex(/^[A-Za-z0-9.^=-]{1,15}$/, 'must be a ticker symbol of 1 to 15 letters, digits or .^=-')
  .transform((s) => s.toUpperCase());
const time = z
  .union(
    [
      z
        .string()
        .regex(/^\d{1,15}$/)
        .transform(Number),
      z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
    ],
    { error: 'must be epoch milliseconds or an ISO 8601 date-time with offset' },
  )
  .describe('epoch milliseconds or ISO 8601 date-time');

export const quoteSchema = z.object({
  symbol: z.string(),
  price: z.number(),
  bid: z.number().optional(),
  ask: z.number().optional(),
  size: z.number(),
  volume: z.number().describe('shares traded today, exchange time'),
  open: z.number().describe("today's first price"),
  change: z.number(),
  changePct: z.number(),
  ts: z.number().int().describe('epoch ms of the tick'),
});
export const barSchema = z.object({
  start: z.number().int().describe('bucket start, epoch ms'),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
});

const searchQuery = z.strictObject({
  q: z.string().trim().min(1, 'must not be empty').max(50).describe('symbol prefix or part of the name'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const searchResult = z.object({
  symbol: z.string(),
  name: z.string(),
  kind: z.enum(['stock', 'etf', 'feed']),
  exchange: z.string().optional(),
  sector: z.string().optional(),
  timeZone: z.string(),
  live: z.boolean().describe('the running feed produces it; catalog instruments without a live source have no data'),
});
const quotesQuery = z.strictObject({
  symbols: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(symbol).min(1).max(200))
    .optional()
    .describe('comma-separated symbols; all when absent'),
});
const symbolParams = z.object({ symbol });
export const historyQuery = z
  .strictObject({
    interval: z.enum(intervals).default('1m'),
    from: time.optional(),
    to: time.optional(),
    limit: z.coerce.number().int().min(1).max(5_000).default(500),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    error: 'from must be before to',
    path: ['from'],
  });
const historyResponse = z.object({
  symbol: z.string(),
  interval: z.enum(intervals),
  timeZone: z.string(),
  bars: z.array(barSchema),
});

export function registerRestRoutes(api: Router, view: MarketDataView, registry: OpenApiRegistry): void {
  const known = (raw: unknown): string => {
    const s = symbol.parse(raw);
    if (!view.isKnown(s))
      throw new HttpError(404, `unknown symbol ${s}: not in the instrument catalog and never seen on the feed`);
    return s;
  };

  api.get('/symbols', (req, res) => {
    const { q, limit } = searchQuery.parse(req.query);
    const results: z.input<typeof searchResult>[] = searchInstruments(q, limit).map((i) => ({
      symbol: i.symbol,
      name: i.name,
      kind: i.kind,
      exchange: i.exchange,
      sector: i.sector,
      timeZone: i.timeZone,
      live: view.isLive(i.symbol),
    }));
    const prefix = q.toUpperCase();
    for (const s of [...view.feedSymbols()].sort()) {
      if (results.length >= limit) break;
      if (s.startsWith(prefix) && !results.some((r) => r.symbol === s))
        results.push({ symbol: s, name: s, kind: 'feed', timeZone: view.timeZoneOf(s), live: view.isLive(s) });
    }
    res.json({ results });
  });
  registry.add({
    method: 'get',
    path: '/symbols',
    summary: 'Search instruments by symbol prefix and name',
    tags: ['market-data'],
    query: searchQuery,
    responses: {
      200: { description: 'matches, best first', schema: z.object({ results: z.array(searchResult) }) },
      400: { description: 'bad query' },
    },
  });

  api.get('/quotes', (req, res) => {
    const { symbols } = quotesQuery.parse(req.query);
    res.json({ quotes: symbols === undefined ? view.quotes() : symbols.flatMap((s) => view.quote(s) ?? []) });
  });
  registry.add({
    method: 'get',
    path: '/quotes',
    summary: 'Latest quotes',
    tags: ['market-data'],
    query: quotesQuery,
    responses: {
      200: {
        description: 'latest quote per symbol (symbols without a quote yet are left out)',
        schema: z.object({ quotes: z.array(quoteSchema) }),
      },
      400: { description: 'bad query' },
    },
  });

  api.get('/quotes/:symbol', (req, res) => {
    const s = known(req.params.symbol);
    const quote = view.quote(s);
    if (quote === undefined) throw new HttpError(404, `no quote for ${s} yet`);
    res.json(quote);
  });
  registry.add({
    method: 'get',
    path: '/quotes/{symbol}',
    summary: 'Latest quote of one symbol',
    tags: ['market-data'],
    params: symbolParams,
    responses: {
      200: { description: 'the quote', schema: quoteSchema },
      400: { description: 'bad symbol' },
      404: { description: 'unknown symbol or no quote yet' },
    },
  });

  api.get('/history/:symbol', (req, res) => {
    const s = known(req.params.symbol);
    const q = historyQuery.parse(req.query);
    const bars = view.history(s, q.interval, q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER, q.limit);
    res.json({ symbol: s, interval: q.interval, timeZone: view.timeZoneOf(s), bars });
  });
  registry.add({
    method: 'get',
    path: '/history/{symbol}',
    summary:
      'OHLCV bars of a symbol by interval and time range (bucket starts in [from, to)); the most recent `limit` of the range, oldest first, the open bar last',
    tags: ['market-data'],
    params: symbolParams,
    query: historyQuery,
    responses: {
      200: { description: 'bars', schema: historyResponse },
      400: { description: 'bad interval, range or limit' },
      404: { description: 'unknown symbol' },
    },
  });
}
