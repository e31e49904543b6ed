import { test } from 'node:test';
import assert from 'node:assert/strict';
import { losses, lossesByCategory } from './losses.ts';
import { normalise, PROFILES, scoreFile } from './scorer.ts';
import type { ScoredFile } from './scorer.ts';

const ROWS = 1000;

function file(name: string, windows: ScoredFile['windows'], alerts: Record<number, number>): ScoredFile {
  const scores = new Float64Array(ROWS);
  for (const [row, score] of Object.entries(alerts)) scores[Number(row)] = score;
  return { name, scores, windows };
}

const options = { threshold: 0.5, profile: PROFILES.standard, hiddenAt: 0.5, hiddenRows: 150 };

test('missed, late and false-positive points add up to what the score lacks of 100', () => {
  // A false positive before the windows, a hit inside the first, an alarm after it that precedes the
  // (missed) second window by 50 rows, and a sub-threshold score inside the second (not an alert).
  const f = file(
    'a/1.csv',
    [
      { start: 500, end: 549 },
      { start: 700, end: 749 },
    ],
    { 300: 0.9, 520: 0.7, 650: 0.6, 720: 0.4 },
  );
  const result = losses([f], { ...options, corpusWindows: 2 });
  const score = normalise(scoreFile(f, 0.5, PROFILES.standard), 2, PROFILES.standard);
  const lost = result.points.missed + result.points.late + result.points.falsePositives;
  assert.ok(Math.abs(100 - score - lost) < 1e-9, `${String(100 - score)} vs ${String(lost)}`);
  assert.equal(result.windows, 2);
  assert.equal(result.missed, 1);
  assert.equal(result.missedAfterAlarm, 1, 'the alarm at 650 came 50 rows before the missed window');
  assert.equal(result.falsePositives, 2);
  assert.equal(result.points.missed, 50, 'one of two windows missed: 2 of the 4 raw points between null and perfect');
  assert.ok(result.points.late > 0 && result.points.falsePositives > 0);
});

test('an alarm long before a missed window does not count as hiding it; categories add up', () => {
  const far = file('a/1.csv', [{ start: 700, end: 749 }], { 300: 0.9 });
  const quiet = file('n/1.csv', [], { 400: 0.8 });
  const byCategory = lossesByCategory([far, quiet], options);
  const { a, n } = byCategory;
  assert.ok(a !== undefined && n !== undefined);
  assert.equal(a.missedAfterAlarm, 0);
  assert.equal(a.missed, 1);
  assert.equal(n.windows, 0);
  assert.equal(n.falsePositives, 1);
  const score = normalise(
    scoreFile(far, 0.5, PROFILES.standard) + scoreFile(quiet, 0.5, PROFILES.standard),
    1,
    PROFILES.standard,
  );
  const lost = Object.values(byCategory).reduce(
    (sum, l) => sum + l.points.missed + l.points.late + l.points.falsePositives,
    0,
  );
  assert.ok(Math.abs(100 - score - lost) < 1e-9);
});
