import type { BenchTick } from './bare-server.ts';

export interface PacedFeed {
  /** Ticks emitted so far per symbol: tick numbers (1, 2, ...) up to these have been sent. */
  counters(): Record<string, number>;
  stop(): { ticks: number; seconds: number };
}

/**
 * A paced tick source: every `periodMs` it emits the ticks due at `ticksPerSecond` (catching up after a
 * late timer), round-robin over the symbols. Each tick is stamped with its scheduled time (not the time the
 * timer ran: a late timer must not hide its delay from the latency figures) and carries its number per
 * symbol in `size` (1, 2, ...), so clients can tell which ticks they never got.
 */
export function startFeed(
  symbols: readonly string[],
  ticksPerSecond: number,
  periodMs: number,
  emit: (batch: BenchTick[]) => void,
): PacedFeed {
  const prices = symbols.map((_, i) => 50 + i);
  const numbers = symbols.map(() => 0);
  const started = performance.now();
  const startedEpoch = Date.now();
  let sent = 0;
  let cursor = 0;
  const timer = setInterval(() => {
    const due = Math.floor((ticksPerSecond * (performance.now() - started)) / 1000) - sent;
    if (due <= 0) return;
    const batch: BenchTick[] = [];
    for (let i = 0; i < due; i++, cursor = (cursor + 1) % symbols.length) {
      const p = (prices[cursor] ?? 50) * (1 + (Math.random() - 0.5) * 0.002);
      prices[cursor] = p;
      numbers[cursor] = (numbers[cursor] ?? 0) + 1;
      batch.push({
        symbol: symbols[cursor] ?? '',
        price: Math.round(p * 100) / 100,
        size: numbers[cursor] ?? 0,
        ts: startedEpoch + Math.floor(((sent + i + 1) * 1000) / ticksPerSecond),
      });
    }
    sent += due;
    emit(batch);
  }, periodMs);
  return {
    counters: () => Object.fromEntries(symbols.map((s, i) => [s, numbers[i] ?? 0])),
    stop: () => {
      clearInterval(timer);
      return { ticks: sent, seconds: (performance.now() - started) / 1000 };
    },
  };
}
