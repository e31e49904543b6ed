import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checks, type Check } from './rules.ts';
import type { Sample } from './sample.ts';

const MB = 1024 * 1024;
const check = (name: string): Check => {
  const found = checks.find((c) => c.name === name);
  assert.ok(found, name);
  return found;
};

/** One sample per second from `make(i)`. */
function series(n: number, make: (i: number) => Partial<Sample>): Sample[] {
  return Array.from({ length: n }, (_, i) => ({
    ts: 1_000_000 + i * 1000,
    ready: true,
    http: {},
    ticks: 0,
    lag: {},
    rssBytes: 100 * MB,
    dataDirBytes: 10 * MB,
    componentBytes: {},
    ...make(i),
  }));
}

describe('fixed checks', () => {
  it('error ratio fires on failing requests from the first seconds, and not on a rare error', () => {
    const failing = series(10, (i) => ({ http: { api: { count: i * 10, errors: i >= 5 ? (i - 5) * 5 : 0, sum: i } } }));
    const hit = check('error-ratio').evaluate(failing, 'api', undefined);
    assert.equal(hit?.fire, true);
    const rare = series(10, (i) => ({ http: { api: { count: i * 10, errors: i >= 8 ? 1 : 0, sum: i } } }));
    assert.equal(check('error-ratio').evaluate(rare, 'api', undefined)?.fire, false);
  });

  it('latency uses a cold limit until it has a baseline, then four times the baseline (250 ms floor)', () => {
    const slowish = series(10, (i) => ({ http: { api: { count: i * 10, errors: 0, sum: i * 10 * 0.5 } } }));
    const cold = check('latency').evaluate(slowish, 'api', undefined);
    assert.equal(cold?.limit, 1);
    assert.equal(cold.fire, false, '0.5 s is under the cold limit');
    // Four minutes at 20 ms, then 5 s at 0.5 s per request.
    const warm = series(245, (i) => {
      const slow = Math.max(0, i - 240);
      return { http: { api: { count: i * 10, errors: 0, sum: (i - slow) * 10 * 0.02 + slow * 10 * 0.5 } } };
    });
    const hot = check('latency').evaluate(warm, 'api', undefined);
    assert.equal(hot?.limit, 0.25);
    assert.equal(hot.fire, true);
  });

  it('feed stall fires when a publishing feed goes quiet, clears when ticks come back', () => {
    const stalled = series(45, (i) => ({ ticks: Math.min(i, 38) * 50 }));
    assert.equal(check('feed-stall').evaluate(stalled, 'market-feed', undefined)?.fire, true);
    const resumed = series(45, (i) => ({ ticks: i * 50 }));
    const ok = check('feed-stall').evaluate(resumed, 'market-feed', undefined);
    assert.equal(ok?.fire, false);
    assert.equal(ok.clear, true);
  });

  it('consumer lag fires when the backlog is large and growing, not when it is large and draining', () => {
    const growing = series(10, (i) => ({ lag: { g: i * 60 } }));
    assert.equal(check('consumer-lag').evaluate(growing, 'g', undefined)?.fire, true);
    const draining = series(10, (i) => ({ lag: { g: 1000 - i * 60 } }));
    assert.equal(check('consumer-lag').evaluate(draining, 'g', undefined)?.fire, false);
  });

  it('memory growth fires on a leak above the baseline, and keeps its baseline while it fires', () => {
    const leak = series(200, (i) => ({ rssBytes: (200 + Math.max(0, i - 170) * 8) * MB }));
    const hit = check('memory-growth').evaluate(leak, 'platform', undefined);
    assert.equal(hit?.fire, true);
    assert.equal(hit.baseline, 200 * MB);
    const rising = series(200, (i) => ({ rssBytes: (300 + i) * MB }));
    assert.equal(check('memory-growth').evaluate(rising, 'platform', 200 * MB)?.clear, false, 'above and rising');
    const flat = series(200, () => ({ rssBytes: 300 * MB }));
    const stays = check('memory-growth').evaluate(flat, 'platform', 200 * MB);
    assert.equal(stays?.clear, true, 'a level that stopped rising a minute ago clears (freed pages may stay resident)');
    assert.equal(stays.fire, false);
  });

  // A cold start on a loaded machine: starting for 30 s while resident memory grows 100 -> 340 MB (code, caches,
  // backfill), ready from 30 s and still growing 7 MB/s to 445 MB at 45 s, then level. The old check fired here.
  const coldStart = (i: number): number => (i < 30 ? 100 + i * 8 : Math.min(445, 340 + (i - 30) * 7));
  const firstFire = (history: readonly Sample[], name: string, subject: string): number | undefined => {
    for (let n = 1; n <= history.length; n++)
      if (check(name).evaluate(history.slice(0, n), subject, undefined)?.fire === true) return n - 1;
    return undefined;
  };

  it('memory growth: the cold start and the first 90 s of serving are warm-up, not a leak', () => {
    const cold = series(200, (i) => ({ ready: i >= 30, rssBytes: coldStart(i) * MB }));
    assert.equal(firstFire(cold, 'memory-growth', 'platform'), undefined);
    assert.equal(check('memory-growth').evaluate(cold.slice(0, 119), 'platform', undefined), undefined, 'warming up');
    const judged = check('memory-growth').evaluate(cold, 'platform', undefined);
    assert.equal(judged?.baseline, 445 * MB, 'the baseline is the level after readiness');
  });

  it("memory growth: a leak after the warm-up is caught (the chaos bench's 8 MB/s, 3 minutes after start)", () => {
    const leaking = series(240, (i) => ({
      ready: i >= 30,
      rssBytes: (coldStart(i) + (i >= 180 ? Math.min(256, (i - 180) * 8) : 0)) * MB,
    }));
    const at = firstFire(leaking, 'memory-growth', 'platform');
    assert.ok(at !== undefined && at >= 180 && at <= 200, `fired ${String(at)} s after start`);
    assert.equal(check('memory-growth').evaluate(leaking.slice(0, at + 1), 'platform', undefined)?.baseline, 445 * MB);
  });

  it("a component's memory: a leak in one component's threads fires for it alone and clears when it restarts", () => {
    const leak = (i: number) => Math.max(0, i - 170) * 24 * MB;
    const bytes = (i: number): Record<string, number> => (i < 170 ? { a: 0 } : { a: leak(i), b: 0 });
    const leaking = series(180, (i) => ({ componentBytes: bytes(i) }));
    const hit = check('component-memory').evaluate(leaking, 'a', undefined);
    assert.equal(hit?.fire, true, 'its threads hold 240 MB more than before');
    assert.equal(check('component-memory').evaluate(leaking, 'b', undefined)?.fire, false);
    const last = leaking.at(-1);
    assert.ok(last);
    assert.deepEqual(check('component-memory').subjects(last), ['a', 'b']);
    const restarted = [
      ...leaking,
      ...series(3, () => ({ componentBytes: { a: 0, b: 0 } })).map((s, i) => ({
        ...s,
        ts: 1_180_000 + i * 1000,
      })),
    ];
    assert.equal(check('component-memory').evaluate(restarted, 'a', hit.baseline)?.clear, true);
  });

  it('disk growth needs DATA_DIR to grow fast, not the backbone log growing slowly', () => {
    const fill = series(200, (i) => ({ dataDirBytes: (10 + Math.max(0, i - 180) * 16) * MB }));
    assert.equal(check('disk-growth').evaluate(fill, 'data-dir', undefined)?.fire, true);
    const slow = series(200, (i) => ({ dataDirBytes: (10 + i * 0.2) * MB }));
    assert.equal(check('disk-growth').evaluate(slow, 'data-dir', undefined)?.fire, false);
  });

  it('a level back up after a dip within the minute is not a level that stopped rising', () => {
    // A first fill to 394 MB, deleted 20 s later, then a second fill 64 s after the first: 4 s into the second the
    // level is about where it was a minute ago, but it rose from the baseline within that minute.
    const level = (i: number): number => {
      if (i >= 136 && i < 160) return Math.min(384, (i - 135) * 32);
      if (i >= 200) return Math.min(384, (i - 199) * 32);
      return 0;
    };
    const fills = series(205, (i) => ({ dataDirBytes: (10 + level(i)) * MB }));
    const second = check('disk-growth').evaluate(fills, 'data-dir', 10 * MB);
    assert.equal(second?.clear, false, 'still filling');
    const plateau = series(205, (i) => ({ dataDirBytes: (10 + Math.min(384, Math.max(0, i - 100) * 32)) * MB }));
    assert.equal(check('disk-growth').evaluate(plateau, 'data-dir', 10 * MB)?.clear, true, 'flat for a minute');
  });
});
