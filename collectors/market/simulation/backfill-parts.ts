import type { Instrument } from '../../../platform/reference/instruments.ts';
import { generateHistory, type BackfillOptions, type HistoryBlock } from './backfill.ts';

/** Symbols whose history goes out as soon as it is made (the default watchlist is among the ten most traded). */
const FIRST_SYMBOLS = 10;
/** Bars of the other symbols held back until the generation ends (beyond, they go out at once). */
const MAX_LATER_BARS = 250_000;
/** Bars per part handed over at most: a part is copied between threads in one message, then published. */
export const MAX_PART_BARS = 4_000;

const ORDER = ['1s', '1m', '5m', '1h', '1d'];

/**
 * The history of `generateHistory` in the order it goes out: most traded symbol first within each handover (the
 * ones people watch), the ten most traded at once and the others' blocks held back to the end (a bounded number of
 * bars: storing them is not what the first charts wait for), in parts of at most `maxBars` bars. A block split over
 * parts goes newest piece first, like the blocks of a stream (each piece oldest first).
 */
export function* historyParts(options: BackfillOptions, maxBars = MAX_PART_BARS): Generator<HistoryBlock[], void> {
  const rank = new Map(byDollarVolume(options.instruments).map((i, n) => [i.symbol, n]));
  const rankOf = (b: HistoryBlock): number => (rank.get(b.symbol) ?? 0) * 8 + ORDER.indexOf(b.interval);
  const later: HistoryBlock[] = [];
  let laterBars = 0;
  for (const step of generateHistory(options)) {
    if (step === undefined) continue;
    const now: HistoryBlock[] = [];
    for (const block of step)
      if ((rank.get(block.symbol) ?? 0) < FIRST_SYMBOLS || laterBars > MAX_LATER_BARS) now.push(block);
      else {
        later.push(block);
        laterBars += block.bars.length;
      }
    // A stream's blocks keep their order (newest first): the sort is stable.
    yield* split(
      now.sort((a, b) => rankOf(a) - rankOf(b)),
      maxBars,
    );
  }
  yield* split(
    later.sort((a, b) => rankOf(a) - rankOf(b)),
    maxBars,
  );
}

/** Consecutive parts of at most `maxBars` bars, in the blocks' order. */
function* split(blocks: readonly HistoryBlock[], maxBars: number): Generator<HistoryBlock[], void> {
  let part: HistoryBlock[] = [];
  let size = 0;
  for (const block of blocks)
    for (let end = block.bars.length; end > 0;) {
      if (size === maxBars) {
        yield part;
        part = [];
        size = 0;
      }
      const start = Math.max(0, end - (maxBars - size));
      part.push(start === 0 && end === block.bars.length ? block : { ...block, bars: block.bars.slice(start, end) });
      size += end - start;
      end = start;
    }
  if (part.length > 0) yield part;
}

function byDollarVolume(instruments: readonly Instrument[]): Instrument[] {
  return [...instruments].sort((a, b) => b.avgDailyVolume * b.basePrice - a.avgDailyVolume * a.basePrice);
}
