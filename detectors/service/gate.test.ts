import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDetectorConfig } from './config.ts';
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

describe('an onset held back by the minimum gap (quiet bench run 3)', () => {
  const defaults = loadDetectorConfig({}).gate;

  it('is published once the gap has passed, not only at the next repeat', () => {
    // A healthy finding published at 0 and cleared; 56 s later the fault starts and lasts (score 1 each second).
    const state = newGateState();
    assert.equal(gateStep(state, 1, 0, defaults), 'onset');
    for (let t = 1_000; t <= defaults.clearAfter * 1_000; t += 1_000) gateStep(state, 0, t, defaults);
    assert.equal(state.active, false);
    const published: { t: number; decision: GateDecision }[] = [];
    for (let t = 56_000; t <= 120_000; t += 1_000) {
      const decision = gateStep(state, 1, t, defaults);
      if (decision !== undefined) published.push({ t, decision });
    }
    assert.deepEqual(published, [{ t: defaults.minGapMs, decision: 'onset' }], 'at the end of the gap, as an onset');
    assert.equal(state.since, 56_000, 'the stretch is dated from when it began');
  });

  it('is not published when the stretch clears inside the gap or its score is below enter when the gap ends', () => {
    const flap = newGateState();
    gateStep(flap, 0.9, 0, options);
    for (let t = 100; t <= 300; t += 100) gateStep(flap, 0.1, t, options);
    const decisions = [0.9, 0.1, 0.1, 0.1].map((s, i) => gateStep(flap, s, 500 + i * 100, options));
    assert.deepEqual(decisions, [undefined, undefined, undefined, 'resolved']);
    assert.equal(gateStep(flap, 0.9, 1_000, options), undefined, 'a new onset inside the gap is held back again');
    // Between exit and enter at the gap's end: still anomalous, not yet worth publishing; published when it rises.
    assert.equal(gateStep(flap, 0.4, 2_500, options), undefined);
    assert.equal(gateStep(flap, 0.9, 2_600, options), 'onset');
    assert.equal(gateStep(flap, 0.9, 3_000, options), undefined, 'published once, then repeats every repeatMs');
  });
});
