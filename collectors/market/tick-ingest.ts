import type { Router } from 'express';
import { z } from 'zod';
import type { EventBus } from '../../platform/backbone/bus.ts';
import { marketTick } from '../../platform/backbone/topics.ts';
import { HttpError } from '../../platform/http/errors.ts';
import type { OpenApiRegistry } from '../../platform/http/openapi.ts';
import { MAX_TICK_FUTURE_MS } from '../../platform/reference/tick-time.ts';

/** Ticks per request: a feed publisher sends its batches (the simulator's are about 20 ticks). */
export const MAX_TICKS_PER_REQUEST = 1_000;

/**
 * What a real instrument can print: prices from a hundredth of a cent to ten million (the dearest share trades
 * near 10^6), at most ten billion shares a tick. Outside them a tick is an attack or a broken feed: 1e308 made the
 * quote 1e+308, 5e-324 a -100% day, and a size of 2^53 left the day's volume beyond exact integers.
 */
export const tickBounds = { minPrice: 1e-4, maxPrice: 1e7, maxSize: 1e10 } as const;
const price = z.number().min(tickBounds.minPrice).max(tickBounds.maxPrice);
const boundedTick = marketTick
  .extend({
    price,
    bid: price.optional(),
    ask: price.optional(),
    size: z.number().int().min(0).max(tickBounds.maxSize),
  })
  .refine((t) => t.bid === undefined || t.ask === undefined || t.bid <= t.ask, 'bid above ask');
const tickBatch = z.object({ ticks: z.array(boundedTick).min(1).max(MAX_TICKS_PER_REQUEST) });
const accepted = z.object({ accepted: z.number().int(), ids: z.array(z.string()) });

/**
 * POST /api/market/ticks: a feed publisher (an external market data feed, authenticated with a feed token)
 * publishes a batch of ticks on `market.ticks`. A batch is taken or refused as a whole (400 naming the
 * first bad tick): only instruments the platform knows (`isKnown`: the catalog and the running feed's
 * symbols), stamped no further ahead of the server's clock than the bars accept.
 */
export function registerTickIngest(
  api: Router,
  bus: EventBus,
  isKnown: (symbol: string) => boolean,
  registry: OpenApiRegistry,
): void {
  registry.add({
    method: 'post',
    path: '/market/ticks',
    summary: 'Publish a batch of ticks from an external feed on market.ticks (feed publishers)',
    tags: ['market feed'],
    body: tickBatch,
    responses: {
      202: { description: 'published', schema: accepted },
      400: { description: 'invalid ticks, an unknown instrument, a tick stamped in the future, or too many' },
    },
  });
  api.post('/market/ticks', async (req, res) => {
    const { ticks } = tickBatch.parse(req.body);
    const latest = Date.now() + MAX_TICK_FUTURE_MS;
    ticks.forEach((tick, i) => {
      if (!isKnown(tick.symbol))
        throw new HttpError(400, `ticks.${String(i)}.symbol: unknown instrument ${tick.symbol}`);
      if (tick.ts > latest)
        throw new HttpError(
          400,
          `ticks.${String(i)}.ts: ${String(tick.ts)} is more than ${String(MAX_TICK_FUTURE_MS / 1000)} s ahead of the server's clock`,
        );
    });
    const envelopes = await Promise.all(
      ticks.map((tick) =>
        bus.publish('market.ticks', { key: tick.symbol, data: tick, source: 'collectors/market/http' }),
      ),
    );
    res.status(202).json({ accepted: envelopes.length, ids: envelopes.map((e) => e.id) });
  });
}
