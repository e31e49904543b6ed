import { join } from 'node:path';
import { Counter } from 'prom-client';
import type { Subscription } from '../backbone/bus.ts';
import { instrumentBySymbol } from '../reference/instruments.ts';
import type { Service, ServiceContext } from '../runtime/service.ts';
import { BarAggregator, type Bar, type BarEvent } from './bars/aggregator.ts';
import type { Interval } from './bars/buckets.ts';
import type { BarStore } from './history/bar-store.ts';
import { CachedBarStore } from './history/cached-bar-store.ts';
import { SqliteBarStore } from './history/sqlite-bar-store.ts';
import { HistoryWriter } from './history/history-writer.ts';
import { LiveUniverse } from './live-universe.ts';
import { resumeStoredBars, takeHistory } from './history/history-intake.ts';
import { openApi } from '../http/openapi.ts';
import { QuoteBook } from './quote-book.ts';
import { registerMetrics } from './metrics.ts';
import { registerRestRoutes } from './rest.ts';
import { loadMarketDataConfig, type MarketDataConfig } from './config.ts';
import { ConnectionAdmission, type AdmissionSettings } from './stream/admission.ts';
import { FanoutHub, type HubOptions } from './stream/fanout-hub.ts';
import { TrackedSymbols, type SymbolBounds } from './tracked-symbols.ts';

export interface MarketDataOptions {
  /** Time zone of symbols outside the instrument catalog (synthetic feed symbols). */
  readonly defaultTimeZone?: string;
  /** /ws tuning (flush period, heartbeat, limits, backpressure thresholds). */
  readonly stream?: Omit<HubOptions, 'snapshot' | 'isKnown' | 'onError'>;
  /** Bars in a WebSocket snapshot per interval. */
  readonly snapshotBars?: number;
  /** Who may open /ws (origins, connection caps); defaults from the environment (config.ts). */
  readonly admission?: Partial<AdmissionSettings>;
  /** Per-symbol state bounds; defaults from the environment. */
  readonly symbols?: Partial<SymbolBounds>;
}

const BAR_FLUSH_MS = 1_000;
const BAR_CLOSE_CHECK_MS = 500;
const PRUNE_MS = 10 * 60_000;
const EVICT_MS = 60_000;

/**
 * Market data: consumes ticks from the backbone, builds OHLCV bars (published on market.bars and stored
 * in SQLite), and serves quotes, symbol search and history over REST and live data over /ws.
 */
export function marketDataService(options: MarketDataOptions = {}): Service {
  const defaultTimeZone = options.defaultTimeZone ?? 'America/New_York';
  const snapshotBars = options.snapshotBars ?? 500;
  const subscriptions: Subscription[] = [];
  let store: BarStore | undefined;
  let historyWriter: HistoryWriter | undefined;
  let aggregator: BarAggregator | undefined;
  const universe = new LiveUniverse();
  let hub: FanoutHub | undefined;
  const timers: NodeJS.Timeout[] = [];

  return {
    name: 'market-data',
    async start(ctx: ServiceContext) {
      const { bus, logger } = ctx;
      const config: MarketDataConfig = loadMarketDataConfig();
      const timeZoneOf = (symbol: string): string => instrumentBySymbol(symbol)?.timeZone ?? defaultTimeZone;
      const bars = new BarAggregator({ timeZoneOf });
      aggregator = bars;
      const book = new QuoteBook();
      const tracked = new TrackedSymbols(
        { ...config.symbols, ...options.symbols },
        (symbol) => instrumentBySymbol(symbol) !== undefined,
      );
      const barsPath = join(ctx.config.dataDir, 'market-data', 'bars.db');
      // Opened (and migrated) here first: the history writer's thread opens the same file after.
      const barStore = new CachedBarStore(new SqliteBarStore(barsPath));
      store = barStore;
      const writer = new HistoryWriter({
        path: barsPath,
        onError: (error) => {
          logger.error({ err: error }, 'the history writer thread died; the batches it held are redelivered');
        },
      });
      historyWriter = writer;
      writer.prepare();
      const isKnown = (symbol: string): boolean => tracked.isKnown(symbol);

      /** Stored bars of [from, to) with the open bar last when it falls in the range; the most recent `limit`. */
      const history = (symbol: string, interval: Interval, from: number, to: number, limit: number): Bar[] => {
        const stored = barStore.range({ symbol, interval, from, to, limit });
        const open = bars.current(symbol, interval);
        if (open !== undefined && open.start >= from && open.start < to) {
          // The open bar is newer than a stored copy of it (stored at the last shutdown, then resumed).
          if (stored.at(-1)?.start === open.start) stored.pop();
          stored.push(open);
        }
        return stored.length > limit ? stored.slice(stored.length - limit) : stored;
      };

      const stream = new FanoutHub({
        ...config.stream,
        ...options.stream,
        isKnown,
        snapshot: (symbol, intervals) => ({
          quote: book.get(symbol),
          bars: Object.fromEntries(
            intervals.map((i) => [i, history(symbol, i, 0, Number.MAX_SAFE_INTEGER, snapshotBars)]),
          ),
        }),
        onError: (error) => {
          logger.error({ err: error }, 'handling a WebSocket message failed');
        },
      });
      hub = stream;

      const publishErrors = new Counter({
        name: 'insitechart_bars_publish_errors_total',
        help: 'final bars that could not be published on market.bars',
        registers: [ctx.metrics],
      });
      const onBars = (events: readonly BarEvent[]): void => {
        for (const event of events) {
          stream.bar(event);
          if (event.state === 'open') continue;
          barStore.write([{ symbol: event.symbol, interval: event.interval, ...event.bar }]);
          // Not awaited by the tick handler: a retry of the tick would count it into the bars twice.
          bus
            .publish('market.bars', {
              key: event.symbol,
              data: { symbol: event.symbol, interval: event.interval, ...event.bar },
              source: 'platform/market-data',
            })
            .catch((error: unknown) => {
              publishErrors.inc();
              logger.warn({ err: error, symbol: event.symbol, interval: event.interval }, 'publishing a bar failed');
            });
        }
      };

      await universe.follow(bus, 'market-data-universe');
      subscriptions.push(
        await bus.subscribe({
          group: 'market-data-history',
          topic: 'market.history',
          from: 'earliest',
          handler: async (delivery) => {
            const { symbol, interval } = delivery.envelope.data;
            // Acknowledged once stored (by the writer's thread: a first start's backfill is tens of thousands of
            // inserts, which the event loop no longer runs).
            const stored = await takeHistory(
              delivery.envelope.data,
              bars,
              (s, i, b) => writer.insertMissing(s, i, b),
              Date.now(),
            );
            barStore.forget(symbol, interval);
            stream.history(symbol, interval);
            logger.debug({ symbol, stored }, 'history bars stored');
          },
        }),
      );
      const tickSubscription = await bus.subscribe({
        group: 'market-data',
        topic: 'market.ticks',
        from: 'latest',
        handler: (delivery) => {
          const tick = delivery.envelope.data;
          const now = Date.now();
          if (!tracked.admit(tick.symbol, now)) return;
          if (!bars.knows(tick.symbol)) resumeStoredBars(tick.symbol, bars, barStore, now);
          const events = bars.add(tick, now);
          onBars(events);
          // The quote book takes only what the bars took: a tick they drop (stamped in the future, or
          // too late) must not become the quote.
          if (events.length === 0) return;
          const quote = book.apply(tick, bars.current(tick.symbol, '1d'));
          if (quote !== undefined) stream.quote(quote);
        },
      });
      subscriptions.push(tickSubscription);
      timers.push(
        setInterval(() => {
          onBars(bars.advance(Date.now()));
        }, BAR_CLOSE_CHECK_MS),
        setInterval(() => {
          try {
            barStore.flush();
          } catch (error) {
            logger.error({ err: error }, 'writing bars failed; they stay queued');
          }
        }, BAR_FLUSH_MS),
        setInterval(() => {
          try {
            logger.debug({ deleted: barStore.prune(Date.now()) }, 'pruned bar history');
          } catch (error) {
            logger.error({ err: error }, 'pruning bars failed');
          }
        }, PRUNE_MS),
        setInterval(() => {
          for (const symbol of tracked.evictIdle(Date.now())) {
            bars.forget(symbol);
            book.delete(symbol);
          }
        }, EVICT_MS),
      );
      stream.start();
      const admission = new ConnectionAdmission({ ...config.admission, ...options.admission });
      ctx.websockets.add(
        '/ws',
        (socket, connection, request) => {
          stream.connect(socket, connection, request.socket.remoteAddress);
        },
        { admit: admission.admit },
      );

      registerRestRoutes(
        ctx.api,
        {
          quote: (s) => book.get(s),
          quotes: () => book.all(),
          feedSymbols: () => tracked.feedSymbols(),
          isKnown,
          isLive: (symbol) => universe.has(symbol),
          timeZoneOf,
          history,
        },
        openApi,
      );
      registerMetrics(ctx.metrics, stream, bars, tracked);
    },
    async stop() {
      await universe.close();
      await Promise.all(subscriptions.splice(0).map((s) => s.close('drain')));
      for (const timer of timers) clearInterval(timer);
      timers.length = 0;
      hub?.stop();
      // After the drain: every batch delivered was stored or refused.
      await historyWriter?.close();
      historyWriter = undefined;
      // The open bars are stored as they are: the next start resumes them (the day keeps its open).
      const open = aggregator?.openBars() ?? [];
      store?.write(open.map((e) => ({ symbol: e.symbol, interval: e.interval, ...e.bar })));
      store?.close();
    },
  };
}
