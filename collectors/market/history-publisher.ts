import { setImmediate } from 'node:timers/promises';
import type { EventBus } from '../../platform/backbone/bus.ts';
import type { HistoryBatch } from './feed.ts';

/** Bars per `market.history` event: a few hundred kilobytes, under Kafka's default 1 MB message limit. */
export const HISTORY_CHUNK = 2_000;

/**
 * Publishes past bars on `market.history` in chunks of at most HISTORY_CHUNK bars, a few events at a time so
 * a first-start backfill of years of bars does not queue every event at once.
 */
export async function publishHistory(bus: EventBus, feed: string, batches: readonly HistoryBatch[]): Promise<number> {
  const source = `collectors/market/${feed}`;
  const events: { symbol: string; interval: HistoryBatch['interval']; bars: HistoryBatch['bars'][number][] }[] = [];
  for (const batch of batches)
    for (let i = 0; i < batch.bars.length; i += HISTORY_CHUNK)
      events.push({ symbol: batch.symbol, interval: batch.interval, bars: batch.bars.slice(i, i + HISTORY_CHUNK) });
  const parallel = 8;
  for (let i = 0; i < events.length; i += parallel) {
    await Promise.all(
      events.slice(i, i + parallel).map((data) => bus.publish('market.history', { key: data.symbol, data, source })),
    );
    // The embedded bus acknowledges without I/O: without this the whole backfill would go out in one task.
    await setImmediate();
  }
  return events.length;
}
