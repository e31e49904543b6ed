import { z } from 'zod';
import { marketTick } from '../../platform/backbone/topics.ts';
import type { Service, ServiceContext } from '../../platform/runtime/service.ts';
import { SimulatedFeed, symbolUniverse } from './simulated-feed.ts';

const tickBatch = z.object({ ticks: z.array(marketTick).min(1).max(10_000) });

/**
 * The market feed collector: publishes the simulated feed's ticks on the backbone, and accepts tick
 * batches from external feeds at POST /api/market/ticks.
 */
export function marketFeedService(options: { seed?: number } = {}): Service {
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  return {
    name: 'market-feed',
    start(ctx: ServiceContext) {
      const { bus, logger, config } = ctx;
      const feed = new SimulatedFeed({ symbols: symbolUniverse(config.market.symbols), seed: options.seed ?? 42 });
      ctx.api.post('/market/ticks', async (req, res) => {
        const { ticks } = tickBatch.parse(req.body);
        const envelopes = await Promise.all(ticks.map((tick) => bus.publish('market.ticks', { key: tick.symbol, data: tick, source: 'collectors/market/http' })));
        res.status(202).json({ accepted: envelopes.length, ids: envelopes.map((e) => e.id) });
      });
      let last = Date.now();
      timer = setInterval(() => {
        const now = Date.now();
        const ticks = feed.next(now, now - last);
        last = now;
        inFlight = Promise.all(ticks.map((tick) => bus.publish('market.ticks', { key: tick.symbol, data: tick, source: 'collectors/market/simulated' }))).catch((error: unknown) => {
          logger.error({ err: error }, 'publishing simulated ticks failed');
        });
      }, config.market.tickIntervalMs);
      logger.info({ symbols: config.market.symbols, intervalMs: config.market.tickIntervalMs }, 'simulated market feed started');
      return Promise.resolve();
    },
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}
