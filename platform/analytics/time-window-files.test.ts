/**
 * Time windows and EWM times in fixture files (`npm run analytics -- FILE.json`, `POST /analytics/compute`):
 * pandas' own reference values where a time setting equals a fixed one (the reference file's rolling(60) and
 * ewm(span=60) on its series re-dated to consecutive days: '60D' with min_periods 60, and span 60 with
 * halflife '1 days' over times); the trading-day dates of the reference file (weekends, holidays) against a
 * brute-force window; a round trip through the settings written next to the answers; refusals by name; the
 * work cap counting each time window's points; the CLI on such a file and on a refused one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pearsonR } from './correlation.ts';
import { isoMs } from './durations.ts';
import { FixtureFileError } from './errors.ts';
import { computeFixture, parseFixtureFile, type FixtureFile } from './fixture-file.ts';
import { nearOrNull } from './test-compare.ts';
import { fixtureWork } from './work-caps.ts';
import { projectRoot } from '../testing/process.ts';

const reference = JSON.parse(readFileSync(new URL('./fixtures/rolling_correlation.json', import.meta.url), 'utf8')) as {
  inputs: { dates: string[]; x: number[]; y: number[] };
  outputs: { rolling_pearson: { values: (number | null)[] }; ewm_pearson: { values: (number | null)[] } };
};
const { dates, x, y } = reference.inputs;
const n = x.length;
const DAY = 86_400_000;
const consecutive = Array.from({ length: n }, (_, t) =>
  new Date(Date.UTC(2013, 1, 11) + t * DAY).toISOString().slice(0, 10),
);

type Out = Record<string, Record<string, unknown>>;
const parse = (file: unknown): FixtureFile => parseFixtureFile(JSON.stringify(file));
const compute = (file: unknown): Out => computeFixture(parse(file)) as Out;
const valuesOf = (o: Out, block: string): (number | null)[] => o[block]?.values as (number | null)[];

const near = (actual: number | null | undefined, expected: number | null | undefined, what: string): void => {
  nearOrNull(actual, expected, what, 1e-9);
};

describe('time windows in fixture files', () => {
  it("re-dated to consecutive days, '60D' (min_periods 60) and halflife '1 days' with span 60 give pandas' values", () => {
    const out = compute({
      fixture: 'rolling_correlation',
      inputs: { x, y, dates: consecutive },
      params: { window: '60D', min_periods: 60, ewm_span: 60, ewm_halflife: '1 days', ewm_min_periods: 60 },
    });
    assert.equal(out.rolling_pearson?.window, '60D');
    assert.equal(out.ewm_pearson?.halflife, '1 days');
    const [rolling, ewm] = [valuesOf(out, 'rolling_pearson'), valuesOf(out, 'ewm_pearson')];
    for (let t = 0; t < n; t++) {
      near(rolling[t], reference.outputs.rolling_pearson.values[t], `rolling t=${t}`);
      near(ewm[t], reference.outputs.ewm_pearson.values[t], `ewm t=${t}`);
    }
  });

  it("trading days: '30D' closed both and centred '21D' equal Pearson on the dates' windows by definition", () => {
    const ms = dates.map(isoMs);
    for (const [window, center, closed] of [
      ['30D', false, 'both'],
      ['21D', true, 'right'],
    ] as const) {
      const out = compute({
        fixture: 'rolling_correlation',
        inputs: { x, y, dates },
        params: { window, center, closed, min_periods: 5, ewm_span: 10 },
      });
      const w = Number.parseInt(window, 10) * DAY;
      const got = valuesOf(out, 'rolling_pearson');
      let compared = 0;
      for (let t = 0; t < n; t++) {
        const ti = ms[t] ?? 0;
        // Distinct dates: the plain interval ((t - w, t] closed both [t - w, t]; centred (t - w/2, t + w/2]).
        const rows = ms.flatMap((s, j) =>
          (center ? s > ti - w / 2 && s <= ti + w / 2 : s >= ti - w && j <= t) ? [j] : [],
        );
        if (rows.length < 5) near(got[t], null, `${window} t=${t}`);
        else {
          compared++;
          const r = pearsonR(
            rows.map((j) => x[j] ?? 0),
            rows.map((j) => y[j] ?? 0),
          );
          near(got[t], r, `${window} t=${t}`);
        }
      }
      assert.ok(compared > n - 10, `${window}: ${compared}`);
    }
  });

  it('round trip: the settings written next to the answers reproduce them', () => {
    const file = {
      fixture: 'rolling_correlation',
      inputs: { x: x.slice(0, 300), y: y.slice(0, 300), dates: dates.slice(0, 300) },
      params: { window: '4D12h', closed: 'left', ewm_halflife: '3 days', ewm_com: 2, ewm_ignore_na: true },
    };
    const first = compute(file);
    const again = compute({ fixture: 'rolling_correlation', inputs: file.inputs, outputs: first });
    assert.deepEqual(again, first);
  });

  it('refuses what pandas refuses or this module does not do, by name', () => {
    const base = { x: [1, 2, 3, 4], y: [2, 1, 4, 3], dates: ['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-06'] };
    const cases: [unknown, RegExp][] = [
      [{ inputs: { x: base.x, y: base.y }, params: { window: '2D', ewm_span: 3 } }, /2D.*needs inputs\.dates/],
      [{ inputs: { x: base.x, y: base.y }, params: { window: 2, ewm_halflife: '1 day' } }, /EWM times needs inputs/],
      [{ inputs: { ...base, dates: base.dates.slice(1) }, params: { window: '2D', ewm_span: 3 } }, /3 entries for 4/],
      [
        { inputs: { ...base, dates: [...base.dates].reverse() }, params: { window: '2D', ewm_span: 3 } },
        /non-decreasing/,
      ],
      [
        { inputs: { ...base, dates: ['2020-01-01', '2020-02-30', 'x', 'y'] }, params: { window: '2D', ewm_span: 3 } },
        /ISO 8601/,
      ],
      [{ inputs: base, params: { window: '1W', ewm_span: 3 } }, /not a fixed duration/],
      [{ inputs: base, params: { window: '5ns', ewm_span: 3 } }, /sub-millisecond/],
      [
        { inputs: base, params: { window: '2D', ewm_halflife: '1 day', ewm_adjust: false } },
        /adjust=False is not supported with times/,
      ],
      [
        { inputs: base, params: { window: '2D', ewm_halflife: '1 day', ewm_span: 3, ewm_alpha: 0.5 } },
        /at most one of/,
      ],
      [{ inputs: base, params: { window: '2D', ewm_halflife: 'a fortnight' } }, /EWM halflife/],
      [{ inputs: base, params: { window: '2D', ewm_span: 3, min_periods: -1 } }, /min_periods/],
      [
        { inputs: base, params: { ewm_span: 3 }, outputs: { rolling_pearson: { window: 'soon' } } },
        /rolling window offset/,
      ],
      [{ inputs: base, params: { window: '2D', ewm_span: 3 }, outputs: { ewm_pearson: { times: 'dates' } } }, /times/],
    ];
    for (const [file, message] of cases)
      assert.throws(
        () => parse({ fixture: 'rolling_correlation', ...(file as object) }),
        (e) => e instanceof FixtureFileError && message.test(e.message),
        JSON.stringify(file),
      );
  });

  it('the CLI computes a time-window file and refuses a bad one with exit code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'analytics-time-cli-'));
    try {
      const good = {
        fixture: 'rolling_correlation',
        inputs: { x, y, dates },
        params: { window: '45D', ewm_halflife: '10 days' },
      };
      const bad = { ...good, params: { window: '45D', ewm_halflife: '10 days', ewm_adjust: false } };
      const run = (file: unknown) => {
        const path = join(dir, 'file.json');
        writeFileSync(path, JSON.stringify(file));
        return spawnSync(process.execPath, ['platform/analytics/cli.ts', path], { cwd: projectRoot, encoding: 'utf8' });
      };
      const ok = run(good);
      assert.equal(ok.status, 0, ok.stderr);
      const printed = JSON.parse(ok.stdout) as { outputs: Out };
      assert.deepEqual(printed.outputs, compute(good));
      const refused = run(bad);
      assert.equal(refused.status, 2);
      assert.match(refused.stderr, /adjust=False is not supported with times/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the work cap counts each time window's points: a window over everything costs about n^2 / 2", () => {
    const file = (window: string | number) =>
      parse({ fixture: 'rolling_correlation', inputs: { x, y, dates }, params: { window, ewm_span: 10 } });
    const linear = fixtureWork(file(60));
    const all = fixtureWork(file('3000D'));
    assert.equal(all - linear, (n * (n + 1)) / 2);
    const small = fixtureWork(file('7D')) - linear;
    assert.ok(small > 4 * n && small < 6 * n, `7D: ${small}`);
  });
});
