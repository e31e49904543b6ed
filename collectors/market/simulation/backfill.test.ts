import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exchanges } from '../../../platform/reference/instruments.ts';
import { seededRandom } from '../../../platform/random/seeded.ts';
import { wallClock } from '../../../platform/time/wall-clock.ts';
import { scaleDay, simulateDay, type DayBars } from './backfill-day.ts';
import {
  generateHistory,
  historyPlan,
  regimesBackwards,
  simulateHistory,
  type Backfill,
  type BackfillOptions,
  type HistoryBar,
  type HistoryInterval,
} from './backfill.ts';
import { historyParts } from './backfill-parts.ts';
import { symbolUniverse } from './universe.ts';

const instruments = symbolUniverse(20);
const endMids = new Map(instruments.map((i) => [i.symbol, i.basePrice]));
const intervals: HistoryInterval[] = ['1s', '1m', '5m', '1h', '1d'];
// Wednesday 2026-12-02 11:00 New York, and Sunday 2026-12-06 18:51 New York.
const weekday = Date.parse('2026-12-02T16:00:00Z');
const sunday = Date.parse('2026-12-06T23:51:00Z');

const barsOf = (history: Backfill, interval: HistoryInterval, symbol: string): readonly HistoryBar[] =>
  history.get(interval)?.get(symbol) ?? [];

for (const [name, endMs] of [
  ['a weekday mid-session', weekday],
  ['a Sunday evening', sunday],
] as const) {
  test(`backfill on ${name}: at least 100 bars per interval and symbol, ending at the live prices`, () => {
    const history = simulateHistory({ instruments, seed: 42, endMs, endMids });
    for (const interval of intervals)
      for (const i of instruments) {
        const bars = barsOf(history, interval, i.symbol);
        assert.ok(bars.length >= 100, `${interval} ${i.symbol}: ${String(bars.length)} bars`);
        for (let k = 1; k < bars.length; k++) assert.ok((bars[k]?.start ?? 0) > (bars[k - 1]?.start ?? 0));
        assert.ok((bars.at(-1)?.start ?? Infinity) < endMs);
        for (const b of bars) assert.ok(b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close));
      }
    for (const i of instruments) {
      const lastDaily = barsOf(history, '1d', i.symbol).at(-1);
      assert.equal(lastDaily?.close, Math.round(i.basePrice * 100) / 100, `${i.symbol} ends at its live price`);
      assert.equal(barsOf(history, '1m', i.symbol).at(-1)?.close, lastDaily.close);
    }
  });
}

test('no bar on a weekend or an exchange holiday, intraday bars only inside the extended sessions', () => {
  const history = simulateHistory({ instruments: instruments.slice(0, 3), seed: 1, endMs: weekday, endMids });
  for (const interval of intervals)
    for (const b of barsOf(history, interval, 'NVDA')) {
      const w = wallClock(b.start, 'America/New_York');
      assert.ok(w.weekday >= 1 && w.weekday <= 5, `${interval} bar on weekday ${String(w.weekday)}`);
      const date = `${String(w.year)}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
      assert.ok(exchanges.XNYS.calendar(date).open, `${interval} bar on the holiday ${date}`);
      if (interval !== '1d') assert.ok(w.hour >= 4 && w.hour < 20, `${interval} bar at ${String(w.hour)}h`);
    }
});

test('coarser bars aggregate the finer ones of their bucket', () => {
  const history = simulateHistory({ instruments: instruments.slice(0, 4), seed: 7, endMs: weekday, endMids });
  for (const symbol of ['NVDA', 'COST']) {
    const minutes = barsOf(history, '1m', symbol);
    const fives = barsOf(history, '5m', symbol);
    for (const five of fives.filter((b) => b.start >= (minutes[0]?.start ?? Infinity))) {
      const inside = minutes.filter((m) => m.start >= five.start && m.start < five.start + 300_000);
      assert.equal(five.open, inside[0]?.open);
      assert.equal(five.close, inside.at(-1)?.close);
      assert.equal(five.high, Math.max(...inside.map((m) => m.high)));
      assert.equal(five.low, Math.min(...inside.map((m) => m.low)));
      assert.equal(
        five.volume,
        inside.reduce((a, m) => a + m.volume, 0),
      );
    }
    const day = barsOf(history, '1d', symbol).at(-1);
    const hours = barsOf(history, '1h', symbol).filter((h) => h.start >= (day?.start ?? 0));
    assert.equal(day?.high, Math.max(...hours.map((h) => h.high)));
    assert.equal(
      day.volume,
      hours.reduce((a, h) => a + h.volume, 0),
    );
  }
});

test('the same seed and end give the same history; another seed another one', () => {
  const a = simulateHistory({ instruments: instruments.slice(0, 2), seed: 3, endMs: weekday, endMids, days: 30 });
  const b = simulateHistory({ instruments: instruments.slice(0, 2), seed: 3, endMs: weekday, endMids, days: 30 });
  const c = simulateHistory({ instruments: instruments.slice(0, 2), seed: 4, endMs: weekday, endMids, days: 30 });
  assert.deepEqual(barsOf(a, '1d', 'NVDA'), barsOf(b, '1d', 'NVDA'));
  assert.notDeepEqual(barsOf(a, '1d', 'NVDA').slice(0, 5), barsOf(c, '1d', 'NVDA').slice(0, 5));
});

/** Runs a generator that only yields to free the event loop to its end. */
function run<T>(steps: Generator<undefined, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

const small: BackfillOptions = {
  instruments: instruments.slice(0, 3),
  seed: 11,
  endMs: weekday,
  endMids,
  days: 40,
  intradayDays: 3,
  minuteDays: 2,
  seconds: 120,
};

test('honest whatever the order: days made oldest first, or shuffled, give the bars made newest first', () => {
  const { frame, days } = historyPlan(small);
  const regimes = regimesBackwards(small.seed, days.length, 'calm');
  const random = seededRandom(5);
  const newestFirst = [...days.keys()];
  const shuffled = [...newestFirst].sort(() => random() - 0.5);
  const history = simulateHistory(small);
  for (const order of [[...newestFirst].reverse(), shuffled]) {
    const made = new Map<number, DayBars>();
    for (const j of order) {
      const day = days[j];
      if (day !== undefined) made.set(j, run(simulateDay(frame, day, regimes[j] ?? 'calm')));
    }
    // Scaled as the feed scales them: the newest day ends at the live price, each older one where the next began.
    const level = small.instruments.map((i) => endMids.get(i.symbol) ?? 0);
    for (const j of newestFirst) {
      const day = made.get(j);
      assert.ok(day !== undefined);
      for (const [k, i] of small.instruments.entries()) level[k] = scaleDay(day, k, level[k] ?? 0, i.basePrice);
    }
    for (const [n, interval] of intervals.entries())
      for (const [k, i] of small.instruments.entries()) {
        const expected = [...newestFirst].reverse().flatMap((j) => made.get(j)?.bars[n]?.[k] ?? []);
        assert.deepEqual(barsOf(history, interval, i.symbol), expected, `${interval} ${i.symbol}`);
      }
  }
});

test('a shorter history is the newest part of a longer one (the same seeded days)', () => {
  const short = simulateHistory(small);
  const long = simulateHistory({ ...small, days: 90 });
  for (const interval of intervals)
    for (const i of small.instruments) {
      const s = barsOf(short, interval, i.symbol);
      assert.ok(s.length > 0);
      assert.deepEqual(barsOf(long, interval, i.symbol).slice(-s.length), s, `${interval} ${i.symbol}`);
    }
  assert.equal(barsOf(long, '1d', 'NVDA').length, 90);
});

test('blocks come newest first, each interval as soon as a chart has enough of it', () => {
  const handed: { interval: HistoryInterval; first: number; last: number }[] = [];
  for (const step of generateHistory({ ...small, days: 200 }))
    for (const b of step ?? [])
      if (b.symbol === 'NVDA')
        handed.push({ interval: b.interval, first: b.bars[0]?.start ?? 0, last: b.bars.at(-1)?.start ?? 0 });
  assert.deepEqual(
    handed.map((h) => h.interval),
    ['1s', '5m', '1m', '5m', '1h', '1d', '1d'],
  );
  for (const interval of intervals) {
    const blocks = handed.filter((h) => h.interval === interval);
    for (let k = 1; k < blocks.length; k++) assert.ok((blocks[k]?.last ?? 0) < (blocks[k - 1]?.first ?? 0));
  }
});

test('handed over in parts of at most 1,000 bars, most traded first in each, the history is the same', () => {
  const collected = new Map<string, HistoryBar[]>();
  const dollarVolume = new Map(small.instruments.map((i) => [i.symbol, i.avgDailyVolume * i.basePrice]));
  let parts = 0;
  for (const part of historyParts(small, 1_000)) {
    parts += 1;
    assert.ok(part.reduce((n, b) => n + b.bars.length, 0) <= 1_000);
    for (let k = 1; k < part.length; k++)
      assert.ok((dollarVolume.get(part[k - 1]?.symbol ?? '') ?? 0) >= (dollarVolume.get(part[k]?.symbol ?? '') ?? 0));
    for (const b of part) {
      const key = `${b.interval} ${b.symbol}`;
      // Newest first: each piece goes before what came.
      collected.set(key, [...b.bars, ...(collected.get(key) ?? [])]);
    }
  }
  assert.ok(parts > 5, `${String(parts)} parts`);
  const whole = simulateHistory(small);
  for (const interval of intervals)
    for (const i of small.instruments)
      assert.deepEqual(collected.get(`${interval} ${i.symbol}`), barsOf(whole, interval, i.symbol));
});
