import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '../series.ts';
import { timeToExhaustion } from './exhaustion.ts';
import { createRandom } from './random.ts';
import { normalCdf, theilSen } from './trend.ts';

/** Deterministic uniform noise in [-0.5, 0.5). */
function noise(seed: number): () => number {
  const rand = createRandom(seed);
  return () => rand.uniform(-0.5, 0.5);
}

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

test('a linear leak: the ETA is within 10% of the truth and its interval contains it', () => {
  for (const seed of [1, 2, 3]) {
    const rand = noise(seed);
    // 2 GiB limit; 600 MiB now, growing 0.5 MiB/min with noise of +-20 MiB.
    const points: Point[] = Array.from({ length: 240 }, (_, i) => ({
      ts: T0 + i * MIN,
      value: 480 + 0.5 * i + 40 * rand(),
    }));
    const result = timeToExhaustion(points, { capacity: 2048 });
    const truthS = ((2048 - (480 + 0.5 * 239)) / 0.5) * 60;
    assert.equal(result.status, 'exhausting');
    assert.equal(result.method, 'theil-sen');
    assert.ok(
      result.etaS !== null && Math.abs(result.etaS - truthS) / truthS < 0.1,
      `eta ${String(result.etaS)} vs ${String(truthS)}`,
    );
    assert.ok((result.etaLowS ?? 0) <= truthS && truthS <= (result.etaHighS ?? Number.POSITIVE_INFINITY));
    assert.ok(result.confidence > 0.99);
  }
});

test('a flat noisy series gives no ETA', () => {
  for (const seed of [4, 5, 6, 7, 8]) {
    const rand = noise(seed);
    const points = Array.from({ length: 500 }, (_, i) => ({ ts: T0 + i * MIN, value: 700 + 60 * rand() }));
    const result = timeToExhaustion(points, { capacity: 1000 });
    assert.equal(result.status, 'no-trend', `seed ${String(seed)}`);
    assert.equal(result.etaS, null);
  }
});

test('a healthy GC sawtooth gives no ETA; a leak under the sawtooth does', () => {
  const rand = noise(9);
  const sawtooth = (leakPerMin: number): Point[] =>
    Array.from({ length: 600 }, (_, i) => ({
      ts: T0 + i * MIN,
      value: 300 + leakPerMin * i + 8 * (i % 37) + 5 * rand(),
    }));
  const healthy = timeToExhaustion(sawtooth(0), { capacity: 1024 });
  assert.equal(healthy.method, 'sawtooth-troughs');
  assert.equal(healthy.status, 'no-trend');
  assert.equal(healthy.etaS, null);
  const leaking = timeToExhaustion(sawtooth(0.4), { capacity: 1024 });
  assert.equal(leaking.method, 'sawtooth-troughs');
  assert.equal(leaking.status, 'exhausting');
  const truthS = ((1024 - (300 + 0.4 * 599)) / 0.4) * 60;
  assert.ok(
    leaking.etaS !== null && Math.abs(leaking.etaS - truthS) / truthS < 0.1,
    `eta ${String(leaking.etaS)} vs ${String(truthS)}`,
  );
});

test('already at capacity, too little data, and a draining resource', () => {
  const ramp = Array.from({ length: 50 }, (_, i) => ({ ts: T0 + i * MIN, value: 10 * i }));
  assert.equal(timeToExhaustion(ramp, { capacity: 400 }).status, 'exhausted');
  assert.equal(timeToExhaustion(ramp.slice(0, 3), { capacity: 10_000 }).status, 'insufficient-data');
  const draining = ramp.map((p) => ({ ts: p.ts, value: 1000 - p.value }));
  assert.equal(timeToExhaustion(draining, { capacity: 2000 }).status, 'no-trend');
});

test('Theil-Sen ignores outliers; the normal CDF is right', () => {
  const times = Array.from({ length: 30 }, (_, i) => i);
  const values = times.map((t) => 2 * t + 1);
  values[5] = 500;
  values[20] = -300;
  const fit = theilSen(times, values);
  assert.ok(Math.abs(fit.slope - 2) < 1e-9);
  assert.ok(Math.abs(fit.intercept - 1) < 1e-9);
  assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
  assert.ok(Math.abs(normalCdf(-1) - 0.158655) < 1e-6);
});
