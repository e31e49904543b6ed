import type { Router } from 'express';
import { z } from 'zod';
import type { OpenApiRegistry } from '../../platform/http/openapi.ts';
import { instrumentBySymbol } from '../../platform/reference/instruments.ts';

/** What the running feed produces: the instruments with a live source. */
export interface LiveUniverse {
  readonly feed: string;
  readonly simulated: boolean;
  readonly timeZone: string;
  readonly symbols: readonly string[];
}

const query = z.strictObject({
  q: z.string().trim().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(10_000),
});

const liveInstrument = z.object({
  symbol: z.string(),
  name: z.string(),
  kind: z.enum(['stock', 'etf']),
  sector: z.string(),
  exchange: z.string(),
  currency: z.string(),
  timeZone: z.string(),
});
const answer = z.object({
  feed: z.string(),
  simulated: z.boolean(),
  timeZone: z.string(),
  total: z.number().int(),
  instruments: z.array(liveInstrument),
});

/**
 * GET /api/market/instruments: the instruments the running feed produces (the catalog has more: those have
 * no live source here). The web app offers only these for search, watchlists, price alerts and portfolios.
 */
export function registerInstrumentRoutes(api: Router, universe: () => LiveUniverse, registry: OpenApiRegistry): void {
  registry.add({
    method: 'get',
    path: '/market/instruments',
    summary: 'Instruments with a live source (the running feed), optionally matching q (symbol prefix or name)',
    tags: ['market feed'],
    query,
    responses: { 200: { description: 'live instruments', schema: answer }, 400: { description: 'bad query' } },
  });
  api.get('/market/instruments', (req, res) => {
    const { q, limit } = query.parse(req.query);
    const u = universe();
    const all = u.symbols.map((symbol) => {
      const i = instrumentBySymbol(symbol);
      return {
        symbol,
        name: i?.name ?? symbol,
        kind: i?.kind ?? 'stock',
        sector: i?.sector ?? 'Unknown',
        exchange: i?.exchange ?? 'XNYS',
        currency: i?.currency ?? 'USD',
        timeZone: i?.timeZone ?? u.timeZone,
      };
    });
    const needle = q?.toUpperCase();
    const matching =
      needle === undefined || needle === ''
        ? all
        : all.filter((i) => i.symbol.startsWith(needle) || i.name.toUpperCase().includes(needle));
    res.json({
      feed: u.feed,
      simulated: u.simulated,
      timeZone: u.timeZone,
      total: matching.length,
      instruments: matching.slice(0, limit),
    });
  });
}
