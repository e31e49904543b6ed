import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createLogger } from '../../../platform/telemetry/logger.ts';
import { silentHealth, type Tick } from '../feed.ts';
import { ReplayFeed } from '../replay-feed.ts';
import { localTime } from '../simulation/session-clock.ts';
import { barPath } from './bar-path.ts';
import { CSV_HEADER, CsvFormatError, loadDailyBars, parseDailyCsv, type DailyBar } from './ohlcv-csv.ts';

/** The OHLCV a bar aggregator would build from trades. */
function rebuild(ticks: readonly Tick[]): Omit<DailyBar, 'date'> {
  return {
    open: ticks[0]?.price ?? NaN,
    high: Math.max(...ticks.map((t) => t.price)),
    low: Math.min(...ticks.map((t) => t.price)),
    close: ticks.at(-1)?.price ?? NaN,
    volume: ticks.reduce((v, t) => v + t.size, 0),
  };
}

// The first rows of the real AAPL and SPY files in ../shared/data/market/daily (values as recorded).
const aapl = `${CSV_HEADER}
2013-02-08,67.7142,68.4014,66.8928,67.8542,158168416
2013-02-11,68.0714,69.2771,67.6071,68.5614,129029425
2013-02-12,68.5014,68.9114,66.8205,66.8428,151829363
2013-02-13,66.7442,67.6628,66.1742,66.7156,118721995
`;
const spy = `${CSV_HEADER}
2013-02-08,151.210007,151.990005,151.130005,151.970001,125140300
2013-02-11,151.880005,152.070007,151.550003,151.910004,93420100
2013-02-13,152.550003,152.860001,152.020004,152.539993,108570600
`;

describe('OHLCV CSV', () => {
  it('parses valid rows', () => {
    const bars = parseDailyCsv(aapl, 'AAPL.csv');
    assert.equal(bars.length, 4);
    assert.deepEqual(bars[0], {
      date: '2013-02-08',
      open: 67.7142,
      high: 68.4014,
      low: 66.8928,
      close: 67.8542,
      volume: 158168416,
    });
  });

  const bad: [string, string, number, RegExp][] = [
    ['a wrong header', 'Date,Open,High,Low,Close,Volume\n', 1, /header must be/],
    ['a missing field', `${CSV_HEADER}\n2013-02-08,1,2,0.5,1.5\n`, 2, /expected 6 fields, found 5/],
    [
      'a non-number',
      `${CSV_HEADER}\n2013-02-08,1,2,0.5,1.5,100\n2013-02-11,1,abc,0.5,1.5,100\n`,
      3,
      /must be a decimal number/,
    ],
    ['a bad date', `${CSV_HEADER}\n2013-02-30,1,2,0.5,1.5,100\n`, 2, /calendar date/],
    ['a high below the low', `${CSV_HEADER}\n2013-02-08,1,0.4,0.5,0.45,100\n`, 2, /high must not be below low/],
    ['a fractional volume', `${CSV_HEADER}\n2013-02-08,1,2,0.5,1.5,100.5\n`, 2, /whole number of shares/],
    ['a zero price', `${CSV_HEADER}\n2013-02-08,0,2,0,1.5,100\n`, 2, /must be positive/],
    [
      'dates out of order',
      `${CSV_HEADER}\n2013-02-11,1,2,0.5,1.5,100\n2013-02-08,1,2,0.5,1.5,100\n`,
      3,
      /not after 2013-02-11/,
    ],
    ['no rows', `${CSV_HEADER}\n`, 2, /no rows/],
  ];
  for (const [what, text, line, message] of bad) {
    it(`rejects ${what} with a named error giving file and line`, () => {
      assert.throws(
        () => parseDailyCsv(text, 'X.csv'),
        (e: unknown) =>
          e instanceof CsvFormatError &&
          e.file === 'X.csv' &&
          e.line === line &&
          message.test(e.message) &&
          e.message.startsWith(`X.csv:${String(line)}:`),
      );
    });
  }
});

describe('OHLCV CSV repairs', () => {
  it('keeps a row whose open lies outside its range, widening the range and reporting it (as SPY on 2015-03-05)', () => {
    const repairs: { file: string; line: number; problem: string }[] = [];
    const text = `${CSV_HEADER}\n2015-03-04,210.0,210.9,209.5,209.9,90000000\n2015-03-05,209.419998,210.800003,209.850006,210.460007,76873000\n`;
    const bars = parseDailyCsv(text, 'SPY.csv', { onRepair: (r) => repairs.push(r) });
    assert.deepEqual(bars[1], {
      date: '2015-03-05',
      open: 209.419998,
      high: 210.800003,
      low: 209.419998,
      close: 210.460007,
      volume: 76873000,
    });
    assert.equal(repairs.length, 1);
    const [repair] = repairs;
    assert.ok(repair);
    assert.equal(repair.line, 3);
    assert.match(repair.problem, /widened to 209.419998-210.800003/);
  });
});

describe('bar path', () => {
  it('rebuilds every bar exactly: open first, close last, extremes reached, volume summed (property)', () => {
    const bar = fc
      .record({
        a: fc.double({ min: 1, max: 1000, noNaN: true }),
        b: fc.double({ min: 1, max: 1000, noNaN: true }),
        c: fc.double({ min: 0, max: 1, noNaN: true }),
        d: fc.double({ min: 0, max: 1, noNaN: true }),
        volume: fc.integer({ min: 0, max: 1e9 }),
        points: fc.integer({ min: 4, max: 60 }),
      })
      .map(({ a, b, c, d, volume, points }) => {
        const low = Math.min(a, b);
        const high = Math.max(a, b);
        // Clamped: low + 1 * (high - low) can round one ulp above high, which is not a valid bar.
        const within = (f: number): number => Math.min(high, low + f * (high - low));
        return { bar: { date: '2020-01-02', open: within(c), close: within(d), high, low, volume }, points };
      });
    fc.assert(
      fc.property(bar, ({ bar: b, points }) => {
        const ticks = barPath('X', b, 1_000, 2_000, points);
        assert.deepEqual(rebuild(ticks), { open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume });
        assert.ok(
          ticks.every(
            (t, i) => Number.isInteger(t.size) && t.size >= 0 && (i === 0 || t.ts >= (ticks[i - 1]?.ts ?? 0)),
          ),
        );
        assert.equal(ticks[0]?.ts, 1_000);
        assert.equal(ticks.at(-1)?.ts, 2_000);
      }),
      { numRuns: 300 },
    );
  });

  it('walks low before high on a rising bar and high before low on a falling one', () => {
    const rising = barPath('X', { date: 'd', open: 10, high: 12, low: 9, close: 11, volume: 4 }, 0, 3, 4).map(
      (t) => t.price,
    );
    const falling = barPath('X', { date: 'd', open: 11, high: 12, low: 9, close: 10, volume: 4 }, 0, 3, 4).map(
      (t) => t.price,
    );
    assert.deepEqual(rising, [10, 9, 12, 11]);
    assert.deepEqual(falling, [11, 12, 9, 10]);
  });
});

describe('replay feed', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'replay-'));
    await writeFile(join(dir, 'AAPL.csv'), aapl);
    await writeFile(join(dir, 'spy.csv'), spy);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a directory by symbol and names the file of a bad row', async () => {
    const bars = await loadDailyBars(dir);
    assert.deepEqual([...bars.keys()], ['AAPL', 'SPY']);
    const badDir = await mkdtemp(join(tmpdir(), 'replay-bad-'));
    await writeFile(join(badDir, 'MSFT.csv'), `${CSV_HEADER}\n2013-02-08,1,2,0.5,1.5,100\n2013-02-11,1,2,0.5,-1,100\n`);
    await assert.rejects(
      loadDailyBars(badDir),
      (e: unknown) => e instanceof CsvFormatError && e.file === join(badDir, 'MSFT.csv') && e.line === 3,
    );
    await rm(badDir, { recursive: true, force: true });
  });

  it('replays every day at the chosen speed, in time order, with bars rebuilding to the recorded OHLCV in New York time', async () => {
    const bars = await loadDailyBars(dir);
    const feed = new ReplayFeed({ bars, dayMs: 40, stepMs: 10, ticksPerBar: 12 });
    assert.deepEqual(feed.days, ['2013-02-08', '2013-02-11', '2013-02-12', '2013-02-13']);
    assert.deepEqual(new ReplayFeed({ bars, dayMs: 40, stepMs: 10, from: '2013-02-12' }).days, [
      '2013-02-12',
      '2013-02-13',
    ]);
    const batches: Tick[][] = [];
    const started = performance.now();
    await feed.start({
      emit: (ticks) => {
        batches.push([...ticks]);
        return Promise.resolve();
      },
      history: () => Promise.resolve(),
      health: silentHealth,
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    await feed.finished;
    const elapsed = performance.now() - started;
    await feed.stop();
    assert.ok(elapsed >= 4 * 40 * 0.7, `four days at 40 ms a day took ${elapsed.toFixed(0)} ms`);
    assert.ok(batches.length >= 12, `each day emitted over several batches (${String(batches.length)})`);
    const ticks = batches.flat();
    assert.ok(
      ticks.every((t, i) => i === 0 || t.ts >= (ticks[i - 1]?.ts ?? 0)),
      'ticks in time order',
    );
    for (const [symbol, recorded] of bars) {
      for (const bar of recorded) {
        const day = ticks.filter(
          (t) =>
            t.symbol === symbol &&
            new Date(t.ts).toLocaleDateString('en-CA', { timeZone: 'America/New_York' }) === bar.date,
        );
        assert.deepEqual({ date: bar.date, ...rebuild(day) }, bar, `${symbol} ${bar.date}`);
        for (const t of day) {
          const minute = localTime(t.ts, 'America/New_York').minuteOfDay;
          assert.ok(minute >= 570 && minute < 960, 'inside the regular session');
        }
      }
    }
    assert.equal(
      ticks.filter((t) => t.symbol === 'SPY' && new Date(t.ts).toISOString().startsWith('2013-02-12')).length,
      0,
      'a day missing from a file is skipped for that symbol',
    );
  });
});
