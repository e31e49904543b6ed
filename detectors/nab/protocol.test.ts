import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atFixedThreshold, leaveOneCategoryOut } from './protocol.ts';
import { optimise, PROFILES } from './scorer.ts';
import type { ScoredFile } from './scorer.ts';

const ROWS = 1000;
const WINDOW = { start: 500, end: 549 };

/** A file with one window; `alerts` maps rows to scores, everything else scores 0. */
function file(name: string, windows: ScoredFile['windows'], alerts: Record<number, number>): ScoredFile {
  const scores = new Float64Array(ROWS);
  for (const [row, score] of Object.entries(alerts)) scores[Number(row)] = score;
  return { name, scores, windows };
}

const noisyRows = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [200 + i, 0.6]));

test('a perfect candidate scores 100 left out, and is chosen over a null one in every fold', () => {
  const perfect = [
    file('a/1.csv', [WINDOW], { 500: 1 }),
    file('b/1.csv', [WINDOW], { 500: 1 }),
    file('n/1.csv', [], {}),
  ];
  const silent = perfect.map((f) => ({ ...f, scores: new Float64Array(ROWS) }));
  const result = leaveOneCategoryOut([silent, perfect]);
  assert.equal(result.standard, 100);
  assert.deepEqual(
    result.folds.map((f) => [f.category, f.chosen]),
    [
      ['a', 1],
      ['b', 1],
    ],
    'the category without windows is never left out',
  );
});

test('the threshold comes from the other categories: a setting that only fits in-sample scores 0 left out', () => {
  // In a, the window's alert scores 0.9; in b it scores 0.4 below 30 false positives at 0.6.
  const files = [file('a/1.csv', [WINDOW], { 500: 0.9 }), file('b/1.csv', [WINDOW], { ...noisyRows, 500: 0.4 })];
  const inSample = optimise(files, PROFILES.standard);
  assert.equal(inSample.threshold, 0.9);
  assert.equal(inSample.score, 50);
  const result = leaveOneCategoryOut([files]);
  // Trained on b, no threshold pays (1.1): a's window is missed. Trained on a (0.9): b's is missed.
  assert.deepEqual(
    result.folds.map((f) => [f.category, f.threshold, f.heldOut]),
    [
      ['a', 1.1, 0],
      ['b', 0.9, 0],
    ],
  );
  assert.equal(result.standard, 0);
});

test('candidates must score the same files', () => {
  assert.throws(
    () => leaveOneCategoryOut([[file('a/1.csv', [WINDOW], {})], [file('b/1.csv', [WINDOW], {})]]),
    RangeError,
  );
});

test('at a fixed threshold nothing is chosen: below it nothing alarms, and it never beats the sweep', () => {
  const files = [file('a/1.csv', [WINDOW], { 500: 0.9 }), file('b/1.csv', [WINDOW], { ...noisyRows, 500: 0.4 })];
  assert.equal(atFixedThreshold(files, 0.95), 0, 'no alert: both windows missed');
  assert.equal(atFixedThreshold(files, 0.9), 50, 'a found at the labelled row, b missed');
  // At 0.5 b's window is found too, but its 30 false positives cost more than a window is worth here.
  assert.ok(atFixedThreshold(files, 0.5) < 50);
  assert.ok(atFixedThreshold(files, 0.5) <= optimise(files, PROFILES.standard).score);
});
