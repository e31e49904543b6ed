import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probationaryLength } from '../../detectors/nab/scorer.ts';
import { burstyCounts, GENERATORS, generateFile, hourlyBusiness } from './generators.ts';

test('a seed replays the same file; another seed gives another', () => {
  for (const generator of GENERATORS) {
    const a = generateFile(generator, 3, 0);
    const b = generateFile(generator, 3, 0);
    const c = generateFile(generator, 4, 0);
    assert.deepEqual(a, b);
    assert.notDeepEqual(
      a.file.rows.map((r) => r.value),
      c.file.rows.map((r) => r.value),
    );
  }
});

test("windows are NAB's: after the probationary period, apart, together about 10% of the file", () => {
  for (const generator of GENERATORS) {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { file, windows, kinds } = generateFile(generator, seed, 1);
      assert.equal(file.rows.length, generator.rows);
      assert.ok(windows.length >= 1 && windows.length <= 4 && kinds.length === windows.length);
      const width = windows.reduce((n, w) => n + w.end - w.start + 1, 0);
      assert.ok(Math.abs(width - 0.1 * generator.rows) <= windows.length + 1, `${generator.name}: ${String(width)}`);
      assert.ok((windows[0]?.start ?? 0) >= probationaryLength(generator.rows));
      for (let i = 1; i < windows.length; i++) assert.ok((windows[i]?.start ?? 0) > (windows[i - 1]?.end ?? 0));
      assert.ok((windows.at(-1)?.end ?? Infinity) < generator.rows);
    }
  }
});

test('counts are non-negative integers, a drop is zeros from the window centre on', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const { file, windows, kinds } = generateFile(burstyCounts, seed, 0);
    assert.ok(file.rows.every((r) => Number.isInteger(r.value) && r.value >= 0));
    const drop = kinds.indexOf('drop');
    const w = windows[drop];
    if (w === undefined) continue;
    const onset = (w.start + w.end) / 2;
    assert.ok(file.rows.slice(onset, onset + 12).every((r) => r.value === 0));
    return;
  }
  assert.fail('no drop in 20 seeds');
});

test('the hourly metric is sparse: hours without clicks are 0, prices positive otherwise', () => {
  const { file } = generateFile(hourlyBusiness, 2, 0);
  const zeros = file.rows.filter((r) => r.value === 0).length;
  assert.ok(zeros > 0 && zeros < file.rows.length / 2, `${String(zeros)} zero hours`);
  assert.ok(file.rows.every((r) => r.value >= 0 && (r.ts - (file.rows[0]?.ts ?? 0)) % 3_600_000 === 0));
});
