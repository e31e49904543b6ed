import { join } from 'node:path';
import { z } from 'zod';
import type { Config } from '../../platform/config/config.ts';
import { openApi } from '../../platform/http/openapi.ts';
import { exchanges, instrumentBySymbol } from '../../platform/reference/instruments.ts';
import type { PlatformControls } from '../../platform/runtime/controls.ts';
import type { Service, ServiceContext } from '../../platform/runtime/service.ts';
import type { Logger } from '../../platform/telemetry/logger.ts';
import { faultPoints } from '../../platform/faults/points.ts';
import { publishTickBatch } from './batch-publisher.ts';
import { SqliteFeedStateStore, type FeedStateStore } from './feed-state.ts';
import { publishHistory } from './history-publisher.ts';
import { registerInstrumentRoutes } from './instruments-route.ts';
import type { HistoryBatch, MarketFeed, Tick } from './feed.ts';
import { FeedMetrics } from './feed-metrics.ts';
import { FeedSwitch } from './feed-switch.ts';
import { ReplayFeed } from './replay-feed.ts';
import { loadDailyBars } from './replay/ohlcv-csv.ts';
import { SimulatedFeed } from './simulated-feed.ts';
import { symbolUniverse } from './simulation/universe.ts';
import { registerTickIngest } from './tick-ingest.ts';
import { YahooFeed } from './yahoo-feed.ts';
import { YahooQuoteSource } from './yahoo/yahoo-source.ts';

const feedStatus = z.object({
  feed: z.string(),
  running: z.boolean(),
  simulated: z.boolean().describe('the prices are made up by the simulated feed'),
  timeZone: z.string().describe('IANA time zone of the exchange: bars and sessions are in it'),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])),
});

/** The feed the configuration names (MARKET_FEED), with its settings. */
export async function createFeed(config: Config, logger: Logger, state?: FeedStateStore): Promise<MarketFeed> {
  const market = config.market;
  switch (market.feed) {
    case 'replay':
      return new ReplayFeed({
        bars: await loadDailyBars(market.replayDir, {
          onRepair: (repair) => {
            logger.warn(repair, 'replay: repaired an inconsistent row');
          },
        }),
        dayMs: market.replayDayMs,
        stepMs: Math.min(market.tickIntervalMs, market.replayDayMs),
        ...(market.replayFrom === undefined ? {} : { from: market.replayFrom }),
      });
    case 'yahoo':
      return new YahooFeed({
        source: new YahooQuoteSource({ logger }),
        symbols: symbolUniverse(market.symbols).map((i) => i.symbol),
        pollMs: market.yahooPollMs,
      });
    case 'simulated':
      return new SimulatedFeed({
        instruments: symbolUniverse(market.symbols),
        seed: market.seed,
        stepMs: market.tickIntervalMs,
        clock: market.sessionClock,
        dayMs: market.sessionDayMs,
        backfillDays: market.backfillDays,
        ...(state === undefined ? {} : { state }),
      });
  }
}

/** How long a symbol may go without a tick before its next one counts as a gap. */
function staleAfterMs(config: Config): number {
  const m = config.market;
  if (m.feed === 'yahoo') return Math.max(60_000, 3 * m.yahooPollMs);
  return Math.max(60_000, 100 * m.tickIntervalMs);
}

/**
 * The market feed collector: runs the configured feed (simulated by default, CSV replay or Yahoo
 * Finance), publishing each batch of ticks on `market.ticks` in its own trace with feed health metrics,
 * and accepts tick batches from external feeds at POST /api/market/ticks.
 */
export function marketFeedService(
  options: { seed?: number; feed?: MarketFeed; fallback?: MarketFeed; controls?: PlatformControls } = {},
): Service {
  let feed: FeedSwitch | undefined;
  let state: FeedStateStore | undefined;
  return {
    name: 'market-feed',
    async start(ctx: ServiceContext) {
      const { bus, logger, config } = ctx;
      const configured =
        options.seed === undefined ? config : { ...config, market: { ...config.market, seed: options.seed } };
      if (options.feed === undefined) state = new SqliteFeedStateStore(join(config.dataDir, 'market-feed', 'state.db'));
      const primary = options.feed ?? (await createFeed(configured, logger, state));
      const metrics = new FeedMetrics(ctx.metrics, primary.name, { staleAfterMs: staleAfterMs(config) });
      const name = primary.name;
      openApi.add({
        method: 'get',
        path: '/market/feed',
        summary: 'The running market feed: kind, session, regime, breaker state, stale symbols',
        tags: ['market feed'],
        responses: { 200: { description: 'feed status', schema: feedStatus } },
      });
      const universe = { feed: name, simulated: primary.simulated, timeZone: exchanges.XNYS.timeZone };
      ctx.api.get('/market/feed', (_req, res) => {
        const status = feed?.status() ?? { feed: name, running: false, details: {} };
        res.json({ ...status, simulated: universe.simulated, timeZone: universe.timeZone });
      });
      registerInstrumentRoutes(ctx.api, () => ({ ...universe, symbols: primary.symbols() }), openApi);
      // Symbols the running feed produces (bounded by its configuration), known besides the catalog.
      const liveSymbols = new Set<string>();
      registerTickIngest(
        ctx.api,
        bus,
        (symbol) => instrumentBySymbol(symbol) !== undefined || liveSymbols.has(symbol),
        openApi,
      );
      const emit = async (ticks: readonly Tick[]): Promise<void> => {
        if (faultPoints().feedStalled(feed?.runStartedAt() ?? 0)) return;
        for (const tick of ticks) liveSymbols.add(tick.symbol);
        const started = performance.now();
        await publishTickBatch(bus, name, ticks);
        metrics.published(ticks, (performance.now() - started) / 1000);
      };
      const history = async (batches: readonly HistoryBatch[]): Promise<void> => {
        await publishHistory(bus, name, batches);
      };
      // Consumers (market data, price alerts, portfolios) learn from this which symbols have a live source.
      await bus.publish('market.universe', {
        key: name,
        data: { ...universe, symbols: [...primary.symbols()], ts: Date.now() },
        source: `collectors/market/${name}`,
      });
      // The fallback (a simulated feed unless one is given) is built only when a remediation switches to it.
      const fallback = (): Promise<MarketFeed> =>
        options.fallback === undefined
          ? // With the saved state a simulated fallback continues the simulated market's prices instead of its seed.
            createFeed({ ...configured, market: { ...configured.market, feed: 'simulated' } }, logger, state)
          : Promise.resolve(options.fallback);
      const current = new FeedSwitch(primary, fallback, { emit, history, health: metrics, logger });
      feed = current;
      options.controls?.feeds.set('market-feed', current);
      await current.start();
    },
    async stop() {
      await feed?.stop();
      state?.close();
      state = undefined;
    },
  };
}
