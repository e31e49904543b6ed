import express, { type Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { principalOf } from '../identity/principal.ts';
import type { LiveUniverse } from '../market-data/live-universe.ts';
import { formatPortfolioCsv, parsePortfolioCsv } from './csv.ts';
import { MAX_POSITIONS, MAX_WATCHLIST, type PortfolioStore } from './store.ts';
import { performance, totals, valuePositions, type PriceSource } from './valuation.ts';

export const ticker = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9.^=-]{1,15}$/, 'must be a ticker symbol');
export const positionBody = z.strictObject({
  quantity: z.number().positive().max(1e9),
  averageCost: z.number().positive().max(1e7),
});
export const portfolioQuery = z.strictObject({ days: z.coerce.number().int().min(2).max(800).default(252) });
export const importQuery = z.strictObject({ mode: z.enum(['replace', 'merge']).default('replace') });
export const watchlistBody = z.strictObject({
  symbols: z
    .array(ticker)
    .max(MAX_WATCHLIST, `a watchlist holds at most ${String(MAX_WATCHLIST)} symbols`)
    .refine((l) => new Set(l).size === l.length, 'symbols must be distinct'),
});

/** Each user's own positions and watchlist (the access table lets traders here; the actor is the owner). */
export function portfolioRoutes(
  api: Router,
  deps: { store: PortfolioStore; prices: PriceSource; universe: LiveUniverse },
): void {
  const { store, prices, universe } = deps;
  const user = (req: object): string => principalOf(req).actor;

  api.get('/portfolio', (req, res) => {
    const { days } = portfolioQuery.parse(req.query);
    const positions = store.positions(user(req));
    const values = valuePositions(positions, prices);
    res.json({ positions: values, totals: totals(values), performance: performance(positions, prices, days) });
  });
  api.put('/portfolio/positions/:symbol', (req, res) => {
    const symbol = ticker.parse(req.params.symbol);
    const body = positionBody.parse(req.body);
    universe.require(symbol);
    const u = user(req);
    const held = store.positions(u).some((p) => p.symbol === symbol);
    if (!held && store.count(u) >= MAX_POSITIONS)
      throw new HttpError(422, `a portfolio holds at most ${String(MAX_POSITIONS)} positions`);
    res.json(store.put(u, { symbol, ...body }));
  });
  api.delete('/portfolio/positions/:symbol', (req, res) => {
    if (!store.remove(user(req), ticker.parse(req.params.symbol))) throw new HttpError(404, 'no such position');
    res.status(204).end();
  });
  api.post('/portfolio/import', express.text({ type: ['text/csv', 'text/plain'], limit: '64kb' }), (req, res) => {
    const { mode } = importQuery.parse(req.query);
    if (typeof req.body !== 'string')
      throw new HttpError(415, 'send the CSV file as text/csv (header: symbol,quantity,average_cost)');
    if (universe.current === undefined) universe.require('');
    const parsed = parsePortfolioCsv(req.body, (s) => universe.has(s));
    if (!parsed.ok) {
      res.status(400).json({
        error: `the file has ${String(parsed.errors.length)} bad rows; nothing was imported`,
        rows: parsed.errors,
      });
      return;
    }
    try {
      store.importAll(user(req), parsed.positions, mode === 'merge');
    } catch (error) {
      if (error instanceof RangeError) throw new HttpError(422, error.message);
      throw error;
    }
    res.json({ imported: parsed.positions.length, mode, positions: store.positions(user(req)) });
  });
  api.get('/portfolio/export', (req, res) => {
    res
      .type('text/csv')
      .attachment('portfolio.csv')
      .send(formatPortfolioCsv(store.positions(user(req))));
  });
  api.get('/watchlist', (req, res) => {
    const symbols = store.watchlist(user(req));
    // A symbol whose source went away stays listed, marked, so the app can show it as "no data".
    res.json({ symbols: symbols.map((symbol) => ({ symbol, live: universe.has(symbol) })) });
  });
  api.put('/watchlist', (req, res) => {
    const { symbols } = watchlistBody.parse(req.body);
    for (const s of symbols) universe.require(s);
    store.setWatchlist(user(req), symbols);
    res.json({ symbols: symbols.map((symbol) => ({ symbol, live: true })) });
  });
}
