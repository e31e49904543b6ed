import type { Logger } from '../../platform/telemetry/logger.ts';
import type { HistoryBar, HistoryInterval } from './simulation/backfill.ts';
import type { Tick } from './simulation/market-model.ts';

export type { Tick } from './simulation/market-model.ts';
export type { HistoryBar, HistoryInterval } from './simulation/backfill.ts';

/** Past bars of one symbol and interval, oldest first. */
export interface HistoryBatch {
  readonly symbol: string;
  readonly interval: HistoryInterval;
  readonly bars: readonly HistoryBar[];
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** What a feed reports about its own health; the service backs it with prom-client metrics. */
export interface FeedHealth {
  error(kind: string): void;
  reconnect(): void;
  breaker(state: BreakerState): void;
  /** Symbols the feed itself judges stale (e.g. an upstream quote that stopped moving). */
  staleSymbols(count: number): void;
}

export interface FeedContext {
  /** Publishes one batch of ticks (one trace per batch); resolves once the backbone took every tick. */
  emit(ticks: readonly Tick[]): Promise<void>;
  /** Publishes past bars on `market.history` (stored where no bar is yet); resolves once the backbone took them. */
  history(batches: readonly HistoryBatch[]): Promise<void>;
  readonly health: FeedHealth;
  readonly logger: Logger;
}

/** What a feed says about itself at GET /api/market/feed. */
export interface FeedStatus {
  readonly feed: string;
  readonly running: boolean;
  readonly details: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

/** A source of market ticks: the simulator, a CSV replay, or an upstream market data API. */
export interface MarketFeed {
  readonly name: string;
  /** Whether its prices are made up (the web app shows a "simulated" badge). */
  readonly simulated: boolean;
  /** The symbols it produces: the instruments with a live source. */
  symbols(): readonly string[];
  status(): FeedStatus;
  /** Starts producing; resolves once the feed is running (not when it ends). */
  start(context: FeedContext): Promise<void>;
  /** Stops producing and waits for the batch in flight. */
  stop(): Promise<void>;
}

/** A FeedHealth that records nothing, for using a feed outside the platform (tests, tools). */
export const silentHealth: FeedHealth = {
  error: () => undefined,
  reconnect: () => undefined,
  breaker: () => undefined,
  staleSymbols: () => undefined,
};
