import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnomalyVerdict, Point, SeriesDetector } from '../series.ts';
import { LikelihoodDetector, logLikelihood, tailProbability } from './likelihood.ts';

/** An inner detector that replays given scores (its warm-up as told). */
function replay(scores: readonly number[], warmup: number): SeriesDetector {
  let i = 0;
  return {
    warmup,
    update(point: Point): AnomalyVerdict {
      const score = scores[i] ?? 0;
      i += 1;
      return { score, observed: point.value, expected: { low: 0, high: 1 }, fired: ['level'] };
    },
  };
}

function run(detector: SeriesDetector, n: number): number[] {
  return Array.from({ length: n }, (_, i) => detector.update({ ts: i * 1000, value: i }).score);
}

test('tail probability: one half at the mean, symmetric, the normal tail at 3 sigma', () => {
  assert.equal(tailProbability(5, 5, 2), 0.5);
  assert.equal(tailProbability(8, 5, 1), tailProbability(2, 5, 1));
  assert.ok(Math.abs(tailProbability(3, 0, 1) - 0.0013498980316301) < 1e-12);
});

test('log likelihood: 0 for an ordinary value, 1 at a tail of 1e-10, monotone between', () => {
  assert.ok(logLikelihood(0.5) < 0.04);
  assert.equal(logLikelihood(0), 1);
  assert.ok(logLikelihood(1e-5) > logLikelihood(1e-3));
  assert.ok(Math.abs(logLikelihood(1e-5) - 0.5) < 0.01);
});

test('scores 0 during the warm-up, keeps the inner explanation', () => {
  const detector = new LikelihoodDetector(replay(new Array<number>(100).fill(0.9), 10), 20);
  const verdicts = Array.from({ length: 20 }, (_, i) => detector.update({ ts: i, value: i }));
  assert.ok(verdicts.every((v) => v.score === 0));
  assert.deepEqual(verdicts[0]?.fired, ['level']);
});

test('a burst unusual for the series alarms; the same level, usual for another series, does not', () => {
  // Series A: inner scores near 0.1 with small noise, then a burst of 0.6 from point 400.
  const noise = (i: number) => 0.1 + 0.02 * Math.sin(i * 1.7);
  const quietThenBurst = Array.from({ length: 500 }, (_, i) => (i >= 400 && i < 420 ? 0.6 : noise(i)));
  const a = run(new LikelihoodDetector(replay(quietThenBurst, 50), 100), 500);
  assert.ok(Math.max(...a.slice(100, 400)) < 0.5, 'quiet stretch stays below one half');
  assert.ok(Math.max(...a.slice(405, 420)) > 0.9, 'the burst is near certain');
  // Series B: inner scores that swing between 0.1 and 0.7 all along: 0.6 is ordinary there.
  const noisy = Array.from({ length: 500 }, (_, i) => (i % 2 === 0 ? 0.1 : 0.7));
  const b = run(new LikelihoodDetector(replay(noisy, 50), 100), 500);
  assert.ok(Math.max(...b.slice(100)) < 0.5);
});

test('a near-silent history is bounded below: a small blip is not an alarm', () => {
  const silentThenBlip = Array.from({ length: 400 }, (_, i) => (i === 300 ? 0.2 : 0));
  const scores = run(new LikelihoodDetector(replay(silentThenBlip, 50), 100), 400);
  assert.ok(Math.max(...scores) < 0.5);
});
