/**
 * Time windows and EWM times over REST (`/api/analytics/correlation/rolling`): on regular 1m bars a '30min'
 * window equals the 30-bar window and a '20min' half-life equals a 20-bar half-life; irregular bars (gaps) against
 * the library on the same returns and bar times; hostile windows and half-lives refused with a 400 that names
 * them, and nothing else changes; the work cap refusing a posted file whose windows hold too many points.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyticsResponses } from './openapi.ts';
import { ewmAlpha, ewmCorrelation } from './rolling.ts';
import { analyticsService } from './service.ts';
import { seededGaussian } from './synthetic.ts';
import { flatBar, waitForBars } from './test-bars.ts';
import { nearOrNull } from './test-compare.ts';
import { ewmCorrelationOverTime, rollingCorrelationOverTime } from './time-window.ts';
import { apiFetch } from '../testing/api-client.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';

const n = 240;
const t0 = 1_700_000_000_000;
const MIN = 60_000;

/** Two correlated random walks; the 5m bars skip every seventh slot and a whole hour (irregular times). */
function closes(seed: number): { a: number[]; b: number[] } {
  const g = seededGaussian(seed);
  const a = [100];
  const b = [50];
  for (let t = 1; t < n; t++) {
    const common = 0.01 * g();
    a.push((a.at(-1) ?? 1) * Math.exp(common + 0.005 * g()));
    b.push((b.at(-1) ?? 1) * Math.exp(common + 0.008 * g()));
  }
  return { a, b };
}
const fiveMinuteStarts = Array.from({ length: 400 }, (_, k) => t0 + k * 5 * MIN)
  .filter((_, k) => k % 7 !== 3 && (k < 100 || k >= 112))
  .slice(0, n);

type Body = Record<string, unknown> & { points?: { start: number; rolling: number | null; ewma: number | null }[] };

const near = (actual: number | null | undefined, expected: number | null | undefined, what: string): void => {
  nearOrNull(actual, expected, what, 1e-12);
};

describe('time windows over REST', () => {
  const dir = mkdtempSync(join(tmpdir(), 'analytics-time-'));
  let platform: TestPlatform;
  const regular = closes(3);
  const irregular = closes(4);
  const get = async (path: string): Promise<{ status: number; body: Body }> => {
    const response = await apiFetch(platform, `/api/analytics${path}`, { as: 'viewer' });
    return { status: response.status, body: (await response.json()) as Body };
  };
  const logReturns = (c: readonly number[]): number[] => c.slice(1).map((v, t) => Math.log(v / (c[t] ?? 1)));

  before(async () => {
    platform = await startTestPlatform(dir, [analyticsService({ streamingIntervals: [] })]);
    for (let t = 0; t < n; t++) {
      const bars = [
        flatBar('AAA', '1m', t0 + t * MIN, regular.a[t] ?? 1),
        flatBar('BBB', '1m', t0 + t * MIN, regular.b[t] ?? 1),
        flatBar('AAA', '5m', fiveMinuteStarts[t] ?? 0, irregular.a[t] ?? 1),
        flatBar('BBB', '5m', fiveMinuteStarts[t] ?? 0, irregular.b[t] ?? 1),
      ];
      for (const bar of bars) await platform.bus.publish('market.bars', bar);
    }
    await waitForBars(async () => (await get('/symbols?interval=1m')).body.symbols as { bars: number }[], 2, n);
    await waitForBars(async () => (await get('/symbols?interval=5m')).body.symbols as { bars: number }[], 2, n);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("regular bars: window=30min equals window=30 and halflife='20min' equals a 20-bar half-life", async () => {
    const q = `/correlation/rolling?x=AAA&y=BBB&interval=1m&points=${String(n - 1)}`;
    const fixed = await get(`${q}&window=30&minPeriods=30`);
    const timed = await get(`${q}&window=30min&minPeriods=30&halflife=20min`);
    assert.equal(timed.status, 200, JSON.stringify(timed.body));
    const parsed = analyticsResponses.rolling.safeParse(timed.body);
    assert.ok(parsed.success, parsed.error?.message);
    assert.equal(timed.body.window, '30min');
    assert.equal(timed.body.span, null);
    assert.equal(timed.body.halflife, '20min');
    // The sample minimum counts the bars the window spans, as for 30 bars.
    assert.deepEqual(timed.body.sample, fixed.body.sample);
    const rows = ewmCorrelation(logReturns(regular.a), logReturns(regular.b), {
      alpha: ewmAlpha({ halflife: 20 }),
      minPeriods: 0,
    });
    const [a = [], b = []] = [fixed.body.points, timed.body.points];
    assert.equal(b.length, n - 1);
    let values = 0;
    for (let t = 0; t < n - 1; t++) {
      near(b[t]?.rolling, a[t]?.rolling, `rolling t=${t}`);
      near(b[t]?.ewma, rows[t], `ewma t=${t}`);
      if (b[t]?.rolling !== null) values++;
    }
    assert.equal(values, n - 1 - 29);
  });

  it('irregular bars (gaps, a missing hour): the library on the same returns and bar times', async () => {
    const q = '/correlation/rolling?x=AAA&y=BBB&interval=5m&points=239&window=1h&closed=both&halflife=1h';
    const { status, body } = await get(q);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.minPeriods, 1, "pandas' default for a time window");
    const times = fiveMinuteStarts.slice(1);
    const [x, y] = [logReturns(irregular.a), logReturns(irregular.b)];
    const rolling = rollingCorrelationOverTime(x, y, times, 60 * MIN, { closed: 'both' });
    const ewma = ewmCorrelationOverTime(x, y, times, { halflifeMs: 60 * MIN, minPeriods: 0 });
    const points = body.points ?? [];
    assert.deepEqual(
      points.map((p) => p.start),
      times,
    );
    for (let t = 0; t < times.length; t++) {
      near(points[t]?.rolling, rolling[t], `rolling t=${t}`);
      near(points[t]?.ewma, ewma[t], `ewma t=${t}`);
    }
    // Right after the missing hour the 1h window holds the new bar alone (and 'both' the one at its start).
    const after = times.findIndex((s, i) => i > 0 && s - (times[i - 1] ?? 0) > 60 * MIN);
    assert.ok(after > 0);
    assert.equal(points[after]?.rolling, null);
  });

  it('refuses hostile windows and half-lives by name with a 400; later answers are unchanged', async () => {
    const q = '/correlation/rolling?x=AAA&y=BBB&interval=1m&points=100';
    const before = await get(`${q}&window=15min`);
    assert.equal(before.status, 200);
    const cases: [string, RegExp][] = [
      ['window=1W', /not a fixed duration/],
      ['window=1M', /not a fixed duration/],
      ['window=-5min', /a number and a unit/],
      ['window=0s', /positive/],
      ['window=5us', /sub-millisecond/],
      ['window=99999D', /at most 3660 days/],
      ['window=2', /3\.\.1000 points/],
      ['window=5000', /3\.\.1000 points/],
      [`window=${'9'.repeat(50)}min`, /invalid request/],
      ['window=30&minPeriods=31', /minPeriods must be at most the window/],
      ['window=30min&minPeriods=-1', /invalid request/],
      ['halflife=soon', /EWM halflife/],
      ['halflife=0%20days', /positive/],
      ['halflife=1h&span=20', /span .* or halflife .* not both/],
      ['window=30min&window=1h', /invalid request/],
    ];
    for (const [params, message] of cases) {
      const { status, body } = await get(`${q}&${params}`);
      assert.equal(status, 400, `${params}: ${JSON.stringify(body)}`);
      assert.match(JSON.stringify(body), message, params);
    }
    assert.deepEqual((await get(`${q}&window=15min`)).body, before.body);
  });

  it('a posted file whose time windows hold too many points in all is refused by the work cap (422)', async () => {
    const post = (points: number) =>
      apiFetch(platform, '/api/analytics/compute', {
        as: 'viewer',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          fixture: 'rolling_correlation',
          // One date for every point (pandas allows duplicates): each window holds every point so far.
          inputs: {
            x: Array.from({ length: points }, (_, i) => i % 7),
            y: Array.from({ length: points }, (_, i) => i % 5),
            dates: Array.from({ length: points }, () => '2020-01-01'),
          },
          params: { window: '1D', ewm_span: 10 },
        }),
      });
    const refused = await post(25_000);
    const body = (await refused.json()) as { error?: string };
    assert.equal(refused.status, 422, JSON.stringify(body));
    assert.match(body.error ?? '', /work units, over the per-request cap/);
    assert.equal((await post(2_000)).status, 200);
  });
});
