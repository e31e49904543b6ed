import type { BenchTick } from './bare-server.ts';

/**
 * A paced tick source: every `periodMs` it emits the ticks due at `ticksPerSecond` (catching up after a
 * late timer), round-robin over the symbols, each stamped with the wall clock at emission.
 */
export function startFeed(
  symbols: readonly string[],
  ticksPerSecond: number,
  periodMs: number,
  emit: (batch: BenchTick[]) => void,
): { stop(): { ticks: number; seconds: number } } {
  const prices = symbols.map((_, i) => 50 + i);
  const started = performance.now();
  let sent = 0;
  let cursor = 0;
  const timer = setInterval(() => {
    const due = Math.floor((ticksPerSecond * (performance.now() - started)) / 1000) - sent;
    if (due <= 0) return;
    const ts = Date.now();
    const batch: BenchTick[] = [];
    for (let i = 0; i < due; i++, cursor = (cursor + 1) % symbols.length) {
      const p = (prices[cursor] ?? 50) * (1 + (Math.random() - 0.5) * 0.002);
      prices[cursor] = p;
      batch.push({
        symbol: symbols[cursor] ?? '',
        price: Math.round(p * 100) / 100,
        size: 1 + Math.floor(Math.random() * 100),
        ts,
      });
    }
    sent += due;
    emit(batch);
  }, periodMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { ticks: sent, seconds: (performance.now() - started) / 1000 };
    },
  };
}
