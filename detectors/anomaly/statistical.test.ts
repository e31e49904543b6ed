import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_STATISTICAL, StatisticalDetector } from './statistical.ts';
import type { StatisticalOptions } from './statistical.ts';

const STEP = 300_000;
const GAP = 1500;
const BURST = [2e7, 1.5e8, 4e7, 3e6];

/** An idle disk: zero writes, and a burst of the same shape every GAP points (longer than the history). */
function idleWithBursts(length: number): number[] {
  return Array.from({ length }, (_, t) => BURST[t % GAP - (GAP - BURST.length)] ?? 0);
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
  for (const view of ['spread', 'shape']) {
    // Without the floor the idle window's scale is the 1e-9 fallback and the burst's z is astronomical.
    assert.ok((collapsed.get(view) ?? 0) > 1e6, `${view} without floor: ${String(collapsed.get(view))}`);
  }
  for (const view of ['spread', 'seasonal', 'shape']) {
    const z = floored.get(view) ?? Infinity;
    assert.ok(z < 1000 && z < (collapsed.get(view) ?? 0), `${view} with floor: ${String(z)}`);
  }
});

test('the scale floor is off for the level view: leaving a long flat stretch stays news', () => {
  const floored = largestLaterZ(DEFAULT_STATISTICAL);
  assert.ok((floored.get('level') ?? 0) > 1e6, String(floored.get('level')));
});
