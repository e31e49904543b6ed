import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertValue, optimise, PROFILES, probationaryLength, scaledSigmoid, scoreFile } from './scorer.ts';
import type { ScoredFile } from './scorer.ts';

// A 100-row file: probationary rows 0..14, one window on rows 40..49 (width 10).
const windows = [{ start: 40, end: 49 }];
const std = PROFILES.standard;

function file(alerts: Record<number, number>): ScoredFile {
  const scores = new Float64Array(100);
  for (const [row, score] of Object.entries(alerts)) scores[Number(row)] = score;
  return { name: 'f.csv', scores, windows };
}

const close = (actual: number, expected: number): void => {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${String(actual)} != ${String(expected)}`);
};

test('scaled sigmoid matches the values in the NAB notes', () => {
  close(scaledSigmoid(0), 0);
  assert.ok(Math.abs(scaledSigmoid(-1) - 0.98661) < 1e-5);
  assert.ok(Math.abs(scaledSigmoid(-0.5) - 0.84828) < 1e-5);
  assert.equal(scaledSigmoid(3.01), -1);
  assert.equal(probationaryLength(100), 15);
  assert.equal(probationaryLength(10_000), 750);
});

// Expected values computed by hand (Python) from S(x) = 2/(1+e^(5x)) - 1.
test('alert values: first row, one early, one late, false positives before and after the window', () => {
  close(alertValue(40, windows, std).value, 1);
  close(alertValue(42, windows, std).value, 0.9771068409226045);
  close(alertValue(48, windows, std).value, 0.46838684390227814);
  assert.equal(alertValue(48, windows, std).window, 0);
  close(alertValue(20, windows, std).value, -0.11);
  close(alertValue(70, windows, std).value, -0.10999811352957378);
  close(alertValue(70, windows, PROFILES.reward_low_fp).value, -0.21999622705914756);
  assert.equal(alertValue(70, windows, std).window, -1);
});

test('perfect and null detectors score 100 and 0 in every profile', () => {
  for (const profile of Object.values(PROFILES)) {
    const perfect = optimise([file({ 40: 1 })], profile);
    close(perfect.raw, profile.tp);
    close(perfect.score, 100);
    const nothing = optimise([file({})], profile);
    close(nothing.raw, -profile.fn);
    close(nothing.score, 0);
    assert.equal(nothing.threshold, 1.1);
  }
});

test('alerts in the probationary period and repeats inside a window count for nothing', () => {
  close(scoreFile(file({ 10: 1, 40: 1, 41: 1, 45: 1 }), 0.5, std), 1);
  close(scoreFile(file({ 10: 1 }), 0.5, std), -1);
});

test('one early, one late, one false positive; the threshold is optimised per profile', () => {
  close(optimise([file({ 42: 1 })], std).score, (100 * (0.9771068409226045 + 1)) / 2);
  close(optimise([file({ 48: 1 })], std).score, (100 * (0.46838684390227814 + 1)) / 2);
  close(optimise([file({ 70: 1 })], std).score, 0);
  // Early detection at 0.9, a false positive after the window at 0.95, one before it at 0.5.
  const mixed = file({ 42: 0.9, 70: 0.95, 20: 0.5 });
  const expected = { standard: 93.35543636965153, reward_low_fp: 87.85553069317285, reward_low_fn: 95.57029091310102 };
  for (const [name, profile] of Object.entries(PROFILES)) {
    const result = optimise([mixed], profile);
    assert.equal(result.threshold, 0.9, name);
    close(result.score, expected[name as keyof typeof expected]);
  }
});

test('on a tie the higher threshold wins', () => {
  // Lowering θ to 0.5 adds a second alert inside the window: same raw score, so 0.9 stays.
  const result = optimise([file({ 40: 0.9, 41: 0.5 })], std);
  assert.equal(result.threshold, 0.9);
});
