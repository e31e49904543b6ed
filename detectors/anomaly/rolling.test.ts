import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { robustScale, SortedWindow } from './rolling.ts';

test('a sorted window keeps the last `capacity` values and their quantiles', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 200 }),
      fc.integer({ min: 1, max: 50 }),
      (values, capacity) => {
        const window = new SortedWindow(capacity);
        for (const v of values) window.push(v);
        const kept = values.slice(-capacity).sort((a, b) => a - b);
        assert.equal(window.size, kept.length);
        assert.equal(window.min(), kept[0]);
        assert.equal(window.max(), kept.at(-1));
        const mid = (kept.length - 1) / 2;
        assert.equal(window.quantile(0.5), ((kept[Math.floor(mid)] ?? 0) + (kept[Math.ceil(mid)] ?? 0)) / 2);
        assert.equal(window.countAtLeast(0), kept.filter((v) => v >= 0).length);
        assert.equal(window.recent(0), values.at(-1));
      },
    ),
  );
});

test('robust scale is about σ for normal data, and positive for a flat or mostly-equal window', () => {
  const window = new SortedWindow(2000);
  for (let i = 1; i < 2000; i++) {
    // Normal quantiles by inverse transform of an even grid: the IQR is exact.
    const p = i / 2000;
    const t = Math.sqrt(-2 * Math.log(Math.min(p, 1 - p)));
    const z =
      t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t ** 3);
    window.push(3 * (p < 0.5 ? -z : z));
  }
  assert.ok(Math.abs(robustScale(window) - 3) < 0.05, String(robustScale(window)));
  const flat = new SortedWindow(10);
  for (let i = 0; i < 10; i++) flat.push(7);
  assert.ok(robustScale(flat) > 0);
  const spiky = new SortedWindow(100);
  for (let i = 0; i < 100; i++) spiky.push(i % 25 === 0 ? 50 : 0);
  assert.ok(robustScale(spiky) > 1);
});
