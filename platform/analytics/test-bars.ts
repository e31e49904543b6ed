/** A final bar whose open, high, low and close are one price, for tests that feed the service over the bus. */
import type { TopicData } from '../backbone/topics.ts';

export function flatBar(
  symbol: string,
  interval: TopicData<'market.bars'>['interval'],
  start: number,
  close: number,
  volume = 1,
): { key: string; data: TopicData<'market.bars'> } {
  return { key: symbol, data: { symbol, interval, start, open: close, high: close, low: close, close, volume } };
}
