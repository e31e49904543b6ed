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

/** aligned() as it was first written (bar objects and a map per symbol): the merge in place must answer the same. */
function alignedReference(windows: BarWindows, interval: Bar['interval'], symbols: readonly string[], points: number) {
  const series = symbols.map((s) => new Map(windows.bars(interval, s).map((b) => [b.start, b])));
  const first = series[0] ?? new Map<number, Bar>();
  const starts = [...first.keys()]
    .filter((t) => series.every((m) => m.has(t)))
    .sort((a, b) => a - b)
    .slice(-points);
  return {
    symbols: [...symbols],
    starts,
    closes: series.map((m) => starts.map((t) => m.get(t)?.close ?? Number.NaN)),
    volumes: series.map((m) => starts.map((t) => m.get(t)?.volume ?? Number.NaN)),
  };
}

test('aligned: the common starts of every symbol, the last `points` of them, as the bar-by-bar join gives', () => {
  const names = ['AAA', 'BBB', 'CCC', 'DDD'];
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      // Bars of random symbols at random starts: gaps, late bars, corrections, windows that overflow.
      fc.array(fc.tuple(fc.constantFrom(...names), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 1, max: 999 })), {
        maxLength: 120,
      }),
      // Which symbols are asked for, in which order (repeats and unknown ones included).
      fc.array(fc.constantFrom(...names, 'ZZZ'), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 30 }),
      (capacity, steps, asked, points) => {
        const windows = new BarWindows(capacity);
        for (const [symbol, start, close] of steps)
          windows.add({ ...bar(1_700_000_000_000 + start * 1000, close), symbol, volume: close * 3 });
        assert.deepEqual(windows.aligned('1s', asked, points), alignedReference(windows, '1s', asked, points));
      },
    ),
    { numRuns: 2_000 },
  );
});

test('version changes with every bar of its interval, not with other intervals', () => {
  const windows = new BarWindows(4);
  assert.equal(windows.version('1s'), 0);
  windows.add(bar(1_000, 1));
  const one = windows.version('1s');
  windows.add(bar(1_000, 2)); // a correction changes answers too
  assert.notEqual(windows.version('1s'), one);
  const before = windows.version('1s');
  windows.add({ ...bar(1_000, 1), interval: '1m' });
  assert.equal(windows.version('1s'), before);
});
