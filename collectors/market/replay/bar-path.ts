import type { Tick } from '../feed.ts';
import type { DailyBar } from './ohlcv-csv.ts';

/**
 * The trades that rebuild a bar: a path open -> low -> high -> close for a rising bar (close >= open),
 * open -> high -> low -> close for a falling one, with points in between on each leg in proportion to its
 * length, spaced evenly from `startMs` to `endMs`. The first trade is the open, the last the close, the
 * extremes are reached and never passed, and the sizes add up to the bar's volume exactly.
 */
export function barPath(symbol: string, bar: DailyBar, startMs: number, endMs: number, points: number): Tick[] {
  const rising = bar.close >= bar.open;
  const legs: [number, number][] = rising
    ? [
        [bar.open, bar.low],
        [bar.low, bar.high],
        [bar.high, bar.close],
      ]
    : [
        [bar.open, bar.high],
        [bar.high, bar.low],
        [bar.low, bar.close],
      ];
  const lengths = legs.map(([a, b]) => Math.abs(b - a));
  const total = lengths.reduce((x, y) => x + y, 0);
  const inner = Math.max(0, points - 4);
  const prices: number[] = [bar.open];
  legs.forEach(([from, to], leg) => {
    const share = total === 0 ? 0 : Math.round((inner * (lengths[leg] ?? 0)) / total);
    for (let k = 1; k <= share; k++)
      prices.push(clamp(roundPrice(from + ((to - from) * k) / (share + 1)), bar.low, bar.high));
    prices.push(to);
  });
  const n = prices.length;
  const base = Math.floor(bar.volume / n);
  let remainder = bar.volume - base * n;
  const step = n > 1 ? (endMs - startMs) / (n - 1) : 0;
  return prices.map((price, k) => {
    const extra = remainder > 0 ? 1 : 0;
    remainder -= extra;
    return { symbol, price, size: base + extra, ts: Math.round(startMs + k * step) };
  });
}

// Rounding may step past an extreme quoted with more decimals: clamp, so the bar rebuilds exactly.
function clamp(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}

function roundPrice(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
