import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gateStep, newGateState, RateBudget, type GateDecision } from './gate.ts';

const options = { enter: 0.5, exit: 0.3, clearAfter: 3, repeatMs: 10_000, minGapMs: 2_000 };

describe('detection gate', () => {
  it('publishes at onset, repeats only every repeatMs while the anomaly lasts, and clears after enough quiet points', () => {
    const state = newGateState();
    const decisions: GateDecision[] = [];
    const scores = [0.1, 0.9, 0.8, 0.4, 0.9, 0.2, 0.1, 0.1, 0.9];
    scores.forEach((s, i) => decisions.push(gateStep(state, s, i * 1_000, options)));
    // 0.4 sits between exit and enter: still anomalous. Three points below 0.3 clear it; the next one is a new onset.
    assert.deepEqual(decisions, [
      undefined,
      'onset',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'resolved',
      'onset',
    ]);
    const long = newGateState();
    const published = Array.from({ length: 30 }, (_, i) => gateStep(long, 0.9, i * 1_000, options)).filter(
      (d) => d !== undefined,
    );
    assert.deepEqual(published, ['onset', 'repeat', 'repeat'], '30 s of anomaly: onset, then at 10 s and 20 s');
  });

  it('never publishes twice within minGapMs, and caps detections per minute across series', () => {
    const state = newGateState();
    assert.equal(gateStep(state, 0.9, 0, options), 'onset');
    for (let t = 100; t <= 300; t += 100) gateStep(state, 0.1, t, options);
    assert.equal(gateStep(state, 0.9, 500, options), undefined, 'a flapping series is held back');
    const budget = new RateBudget(3, 0);
    assert.deepEqual(
      [0, 1, 2, 3].map(() => budget.take(0)),
      [true, true, true, false],
    );
    assert.equal(budget.take(20_000), true, 'a token comes back every 20 s');
  });
});
