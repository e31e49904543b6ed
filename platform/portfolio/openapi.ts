/** The OpenAPI description of each user's portfolio and watchlist (routes.ts). */
import { z } from 'zod';
import type { ApiOperation, OpenApiRegistry } from '../http/openapi.ts';
import { importQuery, portfolioQuery, positionBody, ticker, watchlistBody } from './routes.ts';

/** store.ts Position. */
const position = z.object({ symbol: z.string(), quantity: z.number(), averageCost: z.number(), updatedAt: z.string() });
const orNull = z.number().nullable();
/** valuation.ts PositionValue. */
const positionValue = position.extend({
  costBasis: z.number(),
  price: orNull,
  priceAt: orNull,
  marketValue: orNull,
  unrealizedPnl: orNull,
  unrealizedReturn: orNull,
  dayChange: orNull,
  dayReturn: orNull,
});
/** valuation.ts Totals. */
const totals = z.object({
  costBasis: z.number(),
  marketValue: z.number(),
  unrealizedPnl: z.number(),
  unrealizedReturn: orNull,
  unpriced: z.array(z.string()),
});
/** valuation.ts Performance. */
const performance = z.object({
  n: z.number(),
  from: orNull,
  to: orNull,
  periodReturn: orNull,
  maxDrawdown: orNull,
  peakAt: orNull,
  troughAt: orNull,
  series: z.array(z.object({ start: z.number(), value: z.number() })),
  warning: z.string().optional(),
});
/** csv.ts RowError. */
const rowError = z.object({
  line: z.number(),
  code: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  message: z.string(),
});

export const portfolioResponses = {
  portfolio: z.object({ positions: z.array(positionValue), totals, performance }),
  watchlist: z.object({ symbols: z.array(z.object({ symbol: z.string(), live: z.boolean() })) }),
};
const tags = ['portfolio'];
const symbolParam = z.object({ symbol: ticker });
const invalid = { 400: { description: 'invalid request' } };
const notLive = { 422: { description: 'a symbol without a live source, or the bound on positions reached' } };

export const portfolioOperations: readonly ApiOperation[] = [
  {
    method: 'get',
    path: '/portfolio',
    summary: 'Your positions valued at the last price, totals and the performance over the last days',
    tags,
    query: portfolioQuery,
    responses: { 200: { description: 'the portfolio', schema: portfolioResponses.portfolio }, ...invalid },
  },
  {
    method: 'put',
    path: '/portfolio/positions/{symbol}',
    summary: 'Creates or replaces one of your positions',
    tags,
    params: symbolParam,
    body: positionBody,
    responses: { 200: { description: 'saved', schema: position }, ...invalid, ...notLive },
  },
  {
    method: 'delete',
    path: '/portfolio/positions/{symbol}',
    summary: 'Deletes one of your positions',
    tags,
    params: symbolParam,
    responses: { 204: { description: 'deleted' }, 404: { description: 'no such position' } },
  },
  {
    method: 'post',
    path: '/portfolio/import',
    summary: 'Imports positions from a CSV file (header: symbol,quantity,average_cost); all rows or none',
    tags,
    query: importQuery,
    body: z.string().max(65_536),
    bodyMediaType: 'text/csv',
    responses: {
      200: {
        description: 'imported',
        schema: z.object({ imported: z.number(), mode: z.enum(['replace', 'merge']), positions: z.array(position) }),
      },
      400: {
        description: 'bad rows: nothing was imported',
        schema: z.object({ error: z.string(), rows: z.array(rowError) }),
      },
      415: { description: 'not sent as text/csv' },
      ...notLive,
    },
  },
  {
    method: 'get',
    path: '/portfolio/export',
    summary: 'Your positions as a CSV file, in the layout the import takes',
    tags,
    responses: { 200: { description: 'portfolio.csv', schema: z.string(), mediaType: 'text/csv' } },
  },
  {
    method: 'get',
    path: '/watchlist',
    summary: 'Your watchlist (a symbol whose source went away stays, with live: false)',
    tags,
    responses: { 200: { description: 'the watchlist', schema: portfolioResponses.watchlist } },
  },
  {
    method: 'put',
    path: '/watchlist',
    summary: 'Replaces your watchlist',
    tags,
    body: watchlistBody,
    responses: { 200: { description: 'saved', schema: portfolioResponses.watchlist }, ...invalid, ...notLive },
  },
];

export function describePortfolioRoutes(registry: OpenApiRegistry): void {
  for (const operation of portfolioOperations) registry.add(operation);
}
