import type { MarketFeed } from '../../collectors/market/feed.ts';
import type { EventBus } from '../backbone/bus.ts';

/** An external-feed-only deployment: the configured feed produces nothing itself, so only posted ticks move quotes. */
export const idleFeed: MarketFeed = {
  name: 'idle',
  simulated: false,
  symbols: () => [],
  status: () => ({ feed: 'idle', running: true, details: {} }),
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
};

/** Announces a feed's instruments as the market feed does at start: services then take rules on these only. */
export async function announceUniverse(bus: EventBus, symbols: readonly string[]): Promise<void> {
  await bus.publish('market.universe', {
    key: 'simulated',
    data: { feed: 'simulated', simulated: true, timeZone: 'America/New_York', symbols: [...symbols], ts: Date.now() },
  });
}

/** Publishes daily history bars (flat OHLC at each close) from `t0`, one day apart, as a feed's backfill. */
export async function publishDailyHistory(
  bus: EventBus,
  symbol: string,
  closes: readonly number[],
  t0: number,
  volume = 1,
): Promise<void> {
  await bus.publish('market.history', {
    key: symbol,
    data: {
      symbol,
      interval: '1d',
      bars: closes.map((c, i) => ({ start: t0 + i * 86_400_000, open: c, high: c, low: c, close: c, volume })),
    },
  });
}
