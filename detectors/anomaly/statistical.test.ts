import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_STATISTICAL, StatisticalDetector } from './statistical.ts';
import type { StatisticalOptions } from './statistical.ts';
import { gaussianSource, seededRandom } from '../../platform/random/seeded.ts';

const STEP = 300_000;
const GAP = 1500;
const BURST = [2e7, 1.5e8, 4e7, 3e6];

/** An idle disk: zero writes, and a burst of the same shape every GAP points (longer than the history). */
function idleWithBursts(length: number): number[] {
  return Array.from({ length }, (_, t) => BURST[(t % GAP) - (GAP - BURST.length)] ?? 0);
}

/** The largest |z| each view gave on the bursts after the first one. */
function largestLaterZ(options: StatisticalOptions): Map<string, number> {
  const detector = new StatisticalDetector(options);
  const largest = new Map<string, number>();
  idleWithBursts(5 * GAP).forEach((value, t) => {
    const surprises = detector.update({ ts: t * STEP, value });
    if (t < 2 * GAP) return;
    for (const s of surprises) largest.set(s.view, Math.max(largest.get(s.view) ?? 0, Math.abs(s.z)));
  });
  return largest;
}

test('a burst like an earlier one keeps a finite z after an idle stretch longer than the history', () => {
  const floored = largestLaterZ(DEFAULT_STATISTICAL);
  const collapsed = largestLaterZ({ ...DEFAULT_STATISTICAL, scaleFloor: 0 });
  // Without the floor the idle window's scale is the 1e-9 fallback and the burst's z is astronomical.
  assert.ok((collapsed.get('shape') ?? 0) > 1e6, `shape without floor: ${String(collapsed.get('shape'))}`);
  for (const view of ['seasonal', 'shape']) {
    const z = floored.get(view) ?? Infinity;
    assert.ok(z < 1000 && z < (collapsed.get(view) ?? 0), `${view} with floor: ${String(z)}`);
  }
});

test('the scale floor is off for the level view: leaving a long flat stretch stays news', () => {
  const floored = largestLaterZ(DEFAULT_STATISTICAL);
  assert.ok((floored.get('level') ?? 0) > 1e6, String(floored.get('level')));
});

/** The stall view's novelty at each point (NaN where it gives no surprise). */
function stallNovelty(values: readonly number[]): number[] {
  const detector = new StatisticalDetector(DEFAULT_STATISTICAL);
  return values.map(
    (value, t) => detector.update({ ts: t * STEP, value }).find((s) => s.view === 'stall')?.novelty ?? Number.NaN,
  );
}

test('the stall view calls a series stuck once a repeat outlasts every run of repeats it had lately', () => {
  // A counter that moves every point but idles at zero for 20 points in every 100; then stuck at 7.
  const idle = 20;
  const values = Array.from({ length: 1000 }, (_, t) => (t % 100 < idle ? 0 : t));
  const stuckFrom = values.length;
  values.push(...Array.from({ length: 60 }, () => 7));
  const novelty = stallNovelty(values);
  // The first idle stretch is news (no run was seen before it); every later one is as long as that.
  const later = novelty.slice(200, stuckFrom).filter((n) => !Number.isNaN(n));
  assert.ok(later.length > 700 && Math.max(...later) < 1, `largest later novelty ${String(Math.max(...later))}`);
  // Stuck: novelty reaches 1 on the repeat that makes the run longer than the idle stretches were.
  const first = novelty.findIndex((n, t) => t >= stuckFrom && n >= 1);
  assert.ok(
    first >= stuckFrom + idle - 1 && first <= stuckFrom + idle + 1,
    `first stuck point ${String(first - stuckFrom)}`,
  );
  assert.ok((novelty.at(-1) ?? 0) > 2.5, 'the novelty keeps growing while the series stays stuck');
});

test('the stall view stays quiet on a square wave: runs as long as earlier ones are not news', () => {
  // High for 180 points, low for 108, for a month: every run recurs daily at exactly its length.
  const values: number[] = Array.from({ length: 30 * 288 }, (_, t) => (t % 288 < 180 ? 9 : 1));
  // Judged from the tenth change on (day 5).
  const novelty = stallNovelty(values).filter((n) => !Number.isNaN(n));
  assert.ok(novelty.length > 24 * 288 && Math.max(...novelty) < 1, `largest novelty ${String(Math.max(...novelty))}`);
  // Two days stuck high is news.
  values.push(...Array.from({ length: 2 * 288 }, () => 9));
  assert.ok((stallNovelty(values).at(-1) ?? 0) > 2);
});

test('the stall view does not judge a series that has never moved, nor one with the view off', () => {
  assert.ok(stallNovelty(Array.from({ length: 500 }, () => 3)).every(Number.isNaN));
  const detector = new StatisticalDetector({ ...DEFAULT_STATISTICAL, stall: 0 });
  const views = Array.from({ length: 300 }, (_, t) => detector.update({ ts: t * STEP, value: t % 50 < 30 ? 1 : t }));
  assert.ok(views.every((surprises) => surprises.every((s) => s.view !== 'stall')));
});

/** The spread view's |z| at each point of Gaussian noise (σ 1) with `change` applied from its onset. */
function spreadZ(change: (t: number, noise: number) => number): number[] {
  const noise = gaussianSource(seededRandom(7));
  const detector = new StatisticalDetector(DEFAULT_STATISTICAL);
  return Array.from({ length: 1600 }, (_, t) => {
    const surprises = detector.update({ ts: t * STEP, value: 100 + change(t, noise()) });
    return Math.abs(surprises.find((s) => s.view === 'spread')?.z ?? 0);
  });
}

test('the spread view follows the median change: one spike does not move it, a lasting variance change does', () => {
  const onset = 1500;
  // Below the z floor no view can alarm; the mean of the 12 changes put this spike near z 30.
  const { zFloor } = DEFAULT_STATISTICAL;
  const spike = Math.max(...spreadZ((t, e) => e + (t === onset ? 50 : 0)).slice(onset));
  assert.ok(spike < zFloor, `largest |z| after a spike: ${String(spike)}`);
  // Half of the 12 changes must be wider before the median moves: within a window of the onset.
  const wider = Math.max(...spreadZ((t, e) => (t >= onset ? 4 * e : e)).slice(onset, onset + 12));
  assert.ok(wider > zFloor, `largest |z| after the change: ${String(wider)}`);
});
