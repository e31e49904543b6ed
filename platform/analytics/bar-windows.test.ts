import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { BarWindows, type Bar } from './bar-windows.ts';

/** The window's contract, written the plain way: a sorted array of bars (what the typed rows replace). */
function reference(capacity: number) {
  const bars: Bar[] = [];
  return {
    bars,
    add(bar: Bar): 'appended' | 'revised' {
      const last = bars.at(-1);
      if (last === undefined || bar.start > last.start) {
        bars.push(bar);
        if (bars.length > capacity) bars.shift();
        return 'appended';
      }
      const at = bars.findIndex((b) => b.start >= bar.start);
      if (bars[at]?.start === bar.start) bars[at] = bar;
      else if (bars.length < capacity || at > 0) {
        bars.splice(at, 0, bar);
        if (bars.length > capacity) bars.shift();
      }
      return 'revised';
    },
  };
}

const bar = (start: number, close: number): Bar => ({
  symbol: 'AAPL',
  interval: '1s',
  start,
  open: close + 0.25,
  high: close + 1.5,
  low: close - 0.75,
  close,
  volume: start % 7,
});

test('bar windows keep the last bars in start order: appends, late inserts, corrections, the oldest out', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.double({ min: 0.01, max: 1e6, noNaN: true })), {
        maxLength: 60,
      }),
      (capacity, steps) => {
        const windows = new BarWindows(capacity);
        const model = reference(capacity);
        for (const [start, close] of steps) {
          const b = bar(1_700_000_000_000 + start * 1000, close);
          assert.equal(windows.add(b), model.add(b));
        }
        assert.deepEqual(windows.bars('1s', 'AAPL'), model.bars);
        const [summary] = windows.symbols('1s');
        assert.equal(summary?.bars ?? 0, model.bars.length);
        assert.equal(windows.has('1s', 'AAPL'), model.bars.length > 0);
      },
    ),
    { numRuns: 500 },
  );
});

test('a full window costs no heap per bar: its rows are allocated when it is created', () => {
  const windows = new BarWindows(2_000);
  windows.add(bar(0, 100));
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let k = 1; k < 4_000; k++) windows.add(bar(k * 1000, 100 + k / 7));
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  assert.equal(windows.symbols('1s')[0]?.bars, 2_000);
  // An object per bar took about 180 B (360 kB for these 2,000).
  assert.ok(grown < 100_000, `heap grew ${String(grown)} B for 2,000 bars`);
});
