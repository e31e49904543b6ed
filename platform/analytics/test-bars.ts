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

/** Waits until `/symbols` lists `count` symbols with `bars` bars each (the service consumes asynchronously). */
export async function waitForBars(
  symbolsAnswer: () => Promise<{ bars: number }[]>,
  count: number,
  bars: number,
): Promise<void> {
  for (const deadline = Date.now() + 10_000; ;) {
    const listed = await symbolsAnswer();
    if (listed.length === count && listed.every((s) => s.bars === bars)) return;
    if (Date.now() >= deadline) throw new Error(`not every bar reached the windows within 10 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
