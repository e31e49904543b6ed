import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offsetCorpus, runFile } from './runner.ts';
import type { CorpusFile } from './runner.ts';
import type { SeriesDetector } from '../series.ts';

function corpusOf(rows: number, windows: { start: number; end: number }[]): CorpusFile[] {
  const data = Array.from({ length: rows }, (_, i) => ({ timestamp: `row ${String(i)}`, ts: i * 300_000, value: i }));
  return [{ file: { name: 'cat/f.csv', rows: data }, windows }];
}

test('offsetCorpus drops the first rows and moves the windows with them', () => {
  const [shifted] = offsetCorpus(
    corpusOf(1000, [
      { start: 400, end: 449 },
      { start: 800, end: 849 },
    ]),
    100,
  );
  assert.ok(shifted !== undefined);
  assert.equal(shifted.file.name, 'cat/f.csv');
  assert.equal(shifted.file.rows.length, 900);
  assert.equal(shifted.file.rows[0]?.value, 100);
  assert.deepEqual(shifted.windows, [
    { start: 300, end: 349 },
    { start: 700, end: 749 },
  ]);
});

test('offsetCorpus drops a window that would start in the new probationary period, as NAB does', () => {
  // 1000 rows -> 850 after the offset: probationary 127 rows; the first window would start at row 50.
  const [shifted] = offsetCorpus(
    corpusOf(1000, [
      { start: 200, end: 249 },
      { start: 800, end: 849 },
    ]),
    150,
  );
  assert.deepEqual(shifted?.windows, [{ start: 650, end: 699 }]);
});

test('offsetCorpus rejects a negative or fractional offset', () => {
  assert.throws(() => offsetCorpus(corpusOf(10, []), -1), RangeError);
  assert.throws(() => offsetCorpus(corpusOf(10, []), 1.5), RangeError);
});

test('runFile tells the detector the probationary length and rejects scores outside [0, 1]', () => {
  const [entry] = corpusOf(200, []);
  assert.ok(entry !== undefined);
  let told = -1;
  const scores = runFile(entry.file, ({ probationary }) => {
    told = probationary;
    return {
      update: ({ value }) => ({ score: value / 1000, observed: value, expected: { low: 0, high: 0 }, fired: [] }),
    } satisfies SeriesDetector;
  });
  assert.equal(told, 30);
  assert.equal(scores[199], 0.199);
  assert.throws(
    () =>
      runFile(entry.file, () => ({
        update: () => ({ score: 2, observed: 0, expected: { low: 0, high: 0 }, fired: [] }),
      })),
    RangeError,
  );
});
