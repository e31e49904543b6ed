/**
 * Time-based rolling windows and time-decayed EWM (pandas 1.5.3 semantics, pandas not installed here): the
 * offset and Timedelta grammars; the window bounds against a brute force written from pandas' definition
 * (rows up to the point whose time is in (t - w, t], ends closed or open), with irregular spacing, gaps and
 * duplicate times; the correlations against explicit per-window Pearson and explicit time weights; a time
 * window equal to a fixed one on regular data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AnalyticsInputError } from './errors.ts';
import { isoMs, offsetMs, timedeltaMs } from './durations.ts';
import { ewmAlpha, ewmCorrelation, rollingClosed, rollingCorrelation } from './rolling.ts';
import { seededGaussian } from './synthetic.ts';
import { nearOrNull as near } from './test-compare.ts';
import {
  ewmCorrelationOverTime,
  rollingCorrelationOverTime,
  timeWindowBounds,
  type WindowBounds,
} from './time-window.ts';

const MIN = 60_000;
const DAY = 86_400_000;

/** Pearson on the complete pairs at the given rows; null below `need` pairs or without variation. */
function pearsonAt(x: readonly number[], y: readonly number[], rows: readonly number[], need: number): number | null {
  const idx = rows.filter((j) => Number.isFinite(x[j]) && Number.isFinite(y[j]));
  if (idx.length < Math.max(2, need)) return null;
  const xs = idx.map((j) => x[j] ?? 0);
  const ys = idx.map((j) => y[j] ?? 0);
  if (xs.every((v) => v === xs[0]) || ys.every((v) => v === ys[0])) return null;
  const m = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const [mx, my] = [m(xs), m(ys)];
  const c = (a: number[], ma: number, b: number[], mb: number): number =>
    a.reduce((s, v, i) => s + (v - ma) * ((b[i] ?? 0) - mb), 0);
  return c(xs, mx, ys, my) / Math.sqrt(c(xs, mx, xs, mx) * c(ys, my, ys, my));
}

/** pandas' time window of row i by definition: rows j <= i (j < i when right-open) with t_j in the interval. */
function bruteRows(times: readonly number[], i: number, w: number, closed: string, center: boolean): number[] {
  const ti = times[i] ?? 0;
  const left = closed === 'left' || closed === 'both';
  const right = closed === 'right' || closed === 'both';
  const lo = center ? ti - w / 2 : ti - w;
  const hi = center ? ti + w / 2 : ti;
  return times.flatMap((t, j) => {
    const afterStart = left ? t >= lo : t > lo;
    const beforeEnd = center ? (right ? t <= hi : t < hi) : right ? j <= i : j < i;
    return afterStart && beforeEnd && (center || j <= i) ? [j] : [];
  });
}

const rowsOf = (b: WindowBounds, i: number): number[] => {
  const out: number[] = [];
  for (let j = b.start[i] ?? 0; j < (b.end[i] ?? 0); j++) out.push(j);
  return out;
};

describe('duration grammars', () => {
  it('pandas offset strings (fixed frequencies) in ms', () => {
    const cases: [string, number][] = [
      ['60D', 60 * DAY],
      ['12h', 12 * 3_600_000],
      ['12H', 12 * 3_600_000],
      ['30min', 30 * MIN],
      ['30T', 30 * MIN],
      ['5s', 5_000],
      ['250ms', 250],
      ['1h30min', 90 * MIN],
      ['1.5h', 90 * MIN],
      ['D', DAY],
    ];
    for (const [text, ms] of cases) assert.equal(offsetMs(text), ms, text);
  });

  it('refuses offsets that are not fixed, positive, whole-millisecond and bounded', () => {
    const bad: [string, RegExp][] = [
      ['', /1 to 40 characters/],
      ['60', /a number and a unit/],
      ['-1D', /a number and a unit/],
      ['0s', /positive/],
      ['1W', /not a fixed duration/],
      ['1M', /not a fixed duration/],
      ['2 days', /not a fixed duration/],
      ['5us', /sub-millisecond/],
      ['1ns', /sub-millisecond/],
      ['0.5ms', /whole number of milliseconds/],
      ['99999D', /at most 3660 days/],
      ['1D;DROP', /a number and a unit/],
      ['1'.repeat(41) + 'D', /1 to 40 characters/],
      ['1e5D', /not a fixed duration/],
    ];
    for (const [text, why] of bad)
      assert.throws(
        () => offsetMs(text),
        (e) => e instanceof AnalyticsInputError && why.test(e.message),
        text,
      );
  });

  it('pandas Timedelta strings for the half-life', () => {
    assert.equal(timedeltaMs('4 days'), 4 * DAY);
    assert.equal(timedeltaMs('1 day 2 hours'), DAY + 2 * 3_600_000);
    assert.equal(timedeltaMs('12h'), 12 * 3_600_000);
    assert.equal(timedeltaMs('1m'), MIN);
    assert.equal(timedeltaMs('2 weeks'), 14 * DAY);
    assert.equal(timedeltaMs('1.5 seconds'), 1_500);
    for (const text of ['', 'four days', '4 fortnights', '-1 day', '0 days', '3 ns', '00:30:00'])
      assert.throws(() => timedeltaMs(text), AnalyticsInputError, text);
  });

  it('ISO dates and UTC date-times; impossible dates are NaN', () => {
    assert.equal(isoMs('2013-02-11'), Date.UTC(2013, 1, 11));
    assert.equal(isoMs('2013-02-11T09:30:00Z'), Date.UTC(2013, 1, 11, 9, 30));
    assert.equal(isoMs('2013-02-11T09:30:00.25'), Date.UTC(2013, 1, 11, 9, 30, 0, 250));
    for (const text of ['2013-02-30', '2013-13-01', '13-02-11', '2013-02-11T25:00', 'yesterday', '0050-01-01'])
      assert.ok(Number.isNaN(isoMs(text)), text);
  });
});

describe('time window bounds (pandas calculate_variable_window_bounds)', () => {
  const sorted = fc
    .array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 40 })
    .map((steps) => steps.reduce<number[]>((acc, s) => [...acc, (acc.at(-1) ?? 0) + s], []));

  // Not centred: irregular spacing, gaps and duplicate times. Centred: distinct times (duplicates at t + w/2 below).
  for (const center of [false, true])
    it(`equal the brute-force definition, every closed, center=${String(center)}, odd and even w`, () => {
      const times = center ? sorted.map((t) => t.map((v, i) => v + i)) : sorted;
      const w = fc.integer({ min: 1, max: 12 });
      const check = (t: number[], size: number, closed: (typeof rollingClosed)[number]): void => {
        const b = timeWindowBounds(t, size, center, closed);
        for (let i = 0; i < t.length; i++) assert.deepEqual(rowsOf(b, i), bruteRows(t, i, size, closed, center));
      };
      fc.assert(fc.property(times, w, fc.constantFrom(...rollingClosed), check), { numRuns: 300 });
    });

  it("reproduce pandas' own test expectations (tests/window/test_timeseries_window.py, test_rolling.py)", () => {
    // test_closed: ones at 09:00:01, 02, 03, 04, 06 summed over '2s' (NaN = an empty window, 0 points here).
    const seconds = [1, 2, 3, 4, 6].map((s) => s * 1_000);
    const sizes = (closed: (typeof rollingClosed)[number], center = false, times = seconds, w = 2_000): number[] => {
      const b = timeWindowBounds(times, w, center, closed);
      return times.map((_, i) => (b.end[i] ?? 0) - (b.start[i] ?? 0));
    };
    assert.deepEqual(sizes('right'), [1, 2, 2, 2, 1]);
    assert.deepEqual(sizes('both'), [1, 2, 3, 3, 2]);
    assert.deepEqual(sizes('left'), [0, 1, 2, 2, 1]);
    assert.deepEqual(sizes('neither'), [0, 1, 1, 1, 0]);
    // test_even_number_window_alignment: range(3) daily, rolling('2D', center=True).mean() = [0.5, 1.5, 2].
    const b = timeWindowBounds([0, DAY, 2 * DAY], 2 * DAY, true, 'right');
    const means = [0, 1, 2].map((i) => {
      const rows = rowsOf(b, i);
      return rows.reduce((a, j) => a + j, 0) / rows.length;
    });
    assert.deepEqual(means, [0.5, 1.5, 2]);
  });

  it("centred with a duplicate time at t + w/2: pandas' loop takes only the first of them (read from its source)", () => {
    // times 0, 5, 10, 10 with w = 10: row 1's window (0, 10] holds rows 1, 2, 3; pandas stops after the first 10.
    const b = timeWindowBounds([0, 5, 10, 10], 10, true, 'right');
    assert.deepEqual(bruteRows([0, 5, 10, 10], 1, 10, 'right', true), [1, 2, 3]);
    assert.deepEqual(rowsOf(b, 1), [1, 2]);
    // The first row's end is found by a loop without that stop: both 5s are in.
    assert.deepEqual(rowsOf(timeWindowBounds([0, 5, 5], 10, true, 'right'), 0), [0, 1, 2]);
  });
});

describe('rolling correlation over a time window', () => {
  const g = seededGaussian(7);
  const n = 300;
  // Irregular: gaps of 1-5 minutes, some duplicates (0), a long gap of a day.
  const steps = Array.from({ length: n }, (_, i) => (i === 150 ? DAY : ([0, 1, 1, 2, 5][i % 5] ?? 1)) * MIN);
  const times = steps.reduce<number[]>((acc, s) => [...acc, (acc.at(-1) ?? 0) + s], []);
  const x = Array.from({ length: n }, () => g());
  const y = x.map((v) => 0.6 * v + 0.8 * g());
  for (const t of [3, 40, 41, 151, 200]) x[t] = Number.NaN;
  y[90] = Number.NaN;

  it('equals Pearson on each window by definition (closed, centred, min_periods, gaps, duplicates)', () => {
    for (const closed of rollingClosed)
      for (const center of [false, true])
        for (const minPeriods of [1, 8]) {
          const w = 17 * MIN;
          const got = rollingCorrelationOverTime(x, y, times, w, { closed, center, minPeriods });
          const b = timeWindowBounds(times, w, center, closed);
          for (let i = 0; i < n; i++) {
            const what = `closed ${closed} center ${String(center)} minp ${minPeriods} i=${i}`;
            // Centred bounds with duplicate times are pandas' loop (tested above), not the plain interval.
            const rows = center ? rowsOf(b, i) : bruteRows(times, i, w, closed, false);
            near(got[i], pearsonAt(x, y, rows, minPeriods), what);
          }
        }
  });

  it('equals the fixed window on regular data (1-minute points, window in minutes)', () => {
    const regular = Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * MIN);
    for (const closed of rollingClosed) {
      const fixed = rollingCorrelation(x, y, 30, { closed, minPeriods: 10 });
      const timed = rollingCorrelationOverTime(x, y, regular, offsetMs('30min'), { closed, minPeriods: 10 });
      for (let i = 0; i < n; i++) near(timed[i], fixed[i] ?? null, `closed ${closed} i=${i}`, 1e-12);
    }
    // Centred, odd window: t-15..t+15 in both.
    const fixed = rollingCorrelation(x, y, 31, { center: true, minPeriods: 10 });
    const timed = rollingCorrelationOverTime(x, y, regular, 31 * MIN, { center: true, minPeriods: 10 });
    for (let i = 0; i < n; i++) near(timed[i], fixed[i] ?? null, `centred i=${i}`, 1e-12);
  });

  it('refuses decreasing or invalid times and mismatched lengths', () => {
    assert.throws(() => rollingCorrelationOverTime([1, 2], [1, 2], [5, 4], 10), /non-decreasing/);
    assert.throws(() => rollingCorrelationOverTime([1, 2], [1, 2], [5], 10), /1 given for 2 points/);
    assert.throws(() => rollingCorrelationOverTime([1, 2], [1, 2], [5, Number.NaN], 10), /valid timestamp/);
  });
});

describe('EWM with times (halflife as a duration)', () => {
  const g = seededGaussian(11);
  const n = 200;
  const times = Array.from({ length: n }, (_, i) => i * 3 * MIN + (i % 7 === 0 ? 0 : (i % 4) * MIN));
  for (let i = 1; i < n; i++) times[i] = Math.max(times[i] ?? 0, times[i - 1] ?? 0);
  times[50] = times[49] ?? 0; // a duplicate time: no decay between them
  const x = Array.from({ length: n }, () => g());
  const y = x.map((v) => -0.5 * v + g());
  for (const t of [10, 11, 12, 120]) y[t] = Number.NaN;

  /** Explicit weights: factor^(age in half-lives), aged only at the rows that age them. */
  function explicit(t: number, hl: number, factor: number, ignoreNa: boolean, minPeriods: number): number | null {
    const ok = (i: number): boolean => Number.isFinite(x[i]) && Number.isFinite(y[i]);
    const rows = Array.from({ length: t + 1 }, (_, i) => i).filter(ok);
    if (rows.length < Math.max(2, minPeriods)) return null;
    // ignore_na=False: age = t_t - t_j. ignore_na=True (pandas' loop): only rows with a value age the weights,
    // each by the time since the row before it, missing or not.
    const age = (j: number): number => {
      if (!ignoreNa) return ((times[t] ?? 0) - (times[j] ?? 0)) / hl;
      let a = 0;
      for (let k = j + 1; k <= t; k++) if (ok(k)) a += ((times[k] ?? 0) - (times[k - 1] ?? 0)) / hl;
      return a;
    };
    const w = rows.map((j) => factor ** age(j));
    const sw = w.reduce((a, b) => a + b, 0);
    const mx = rows.reduce((s, j, k) => s + (w[k] ?? 0) * (x[j] ?? 0), 0) / sw;
    const my = rows.reduce((s, j, k) => s + (w[k] ?? 0) * (y[j] ?? 0), 0) / sw;
    const c = (a: number[], ma: number, b: number[], mb: number): number =>
      rows.reduce((s, j, k) => s + (w[k] ?? 0) * ((a[j] ?? 0) - ma) * ((b[j] ?? 0) - mb), 0);
    return c(x, mx, y, my) / Math.sqrt(c(x, mx, x, mx) * c(y, my, y, my));
  }

  it("the explicit weights reproduce pandas' own ewm(halflife='23 days', times).mean() test expectations", () => {
    // pandas tests/window/test_ewm.py test_ewma_with_times_variable_spacing: data 0, 1, 2 at these times.
    const at = ['2020-01-01', '2020-01-10T00:04:05', '2020-02-23T05:00:23'].map(isoMs);
    const hl = timedeltaMs('23 days');
    const means = at.map((t, i) => {
      const w = at.slice(0, i + 1).map((tj) => 0.5 ** ((t - tj) / hl));
      return w.reduce((a, wj, j) => a + wj * j, 0) / w.reduce((a, b) => a + b, 0);
    });
    [0.0, 0.5674161888241773, 1.545239952073459].forEach((m, i) => {
      near(means[i], m, `mean ${String(i)}`, 1e-12);
    });
  });

  it('weights 0.5^(age / halflife) (pandas com=1), irregular times, gaps, ignore_na both ways', () => {
    const hl = timedeltaMs('10 minutes');
    for (const ignoreNa of [false, true]) {
      const got = ewmCorrelationOverTime(x, y, times, { halflifeMs: hl, minPeriods: 3, ignoreNa });
      for (let t = 0; t < n; t++)
        near(got[t], explicit(t, hl, 0.5, ignoreNa, 3), `ignore_na ${String(ignoreNa)} t=${t}`);
    }
  });

  it('with span beside times: (1 - alpha)^(age / halflife), as pandas mean()', () => {
    const alpha = ewmAlpha({ span: 9 });
    const got = ewmCorrelationOverTime(x, y, times, { halflifeMs: 4 * MIN, alpha, minPeriods: 0 });
    for (let t = 0; t < n; t++) near(got[t], explicit(t, 4 * MIN, 1 - alpha, false, 0), `t=${t}`);
  });

  it('on regular times equals the row-based EWM with the half-life in rows', () => {
    const regular = Array.from({ length: n }, (_, i) => i * 5 * MIN);
    const timed = ewmCorrelationOverTime(x, y, regular, { halflifeMs: 20 * MIN, minPeriods: 4 });
    const rows = ewmCorrelation(x, y, { alpha: ewmAlpha({ halflife: 4 }), minPeriods: 4 });
    for (let t = 0; t < n; t++) near(timed[t], rows[t] ?? null, `t=${t}`, 1e-12);
  });
});
