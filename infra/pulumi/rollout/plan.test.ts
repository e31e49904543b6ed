import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argoCanaryStep, canaryStrategy } from './argo.ts';
import {
  advanceBlueGreen,
  advanceCanary,
  blueGreenStart,
  canaryStart,
  canarySteps,
  failingGates,
  type CanaryState,
  type Signal,
} from './plan.ts';

const gates = { errorRate: 0.01, latencyP99Seconds: 0.5, anomalyScore: 0.8 };
const healthy = { errorRate: 0.001, latencyP99Seconds: 0.12, anomalyScore: 0.1 };
const measured = (o = healthy): Signal => ({ type: 'measured', observation: o });

function run(steps: ReturnType<typeof canarySteps>, signals: readonly Signal[]): CanaryState[] {
  const seen: CanaryState[] = [];
  let s = canaryStart;
  for (const signal of signals) {
    s = advanceCanary(steps, gates, s, signal);
    seen.push(s);
  }
  return seen;
}

describe('canary steps', () => {
  it('puts a gate and a timed pause after every weight', () => {
    const steps = canarySteps({ weights: [10, 50], pauseSeconds: 60 });
    assert.deepEqual(steps, [
      { kind: 'weight', weight: 10 },
      { kind: 'analysis' },
      { kind: 'pause', seconds: 60 },
      { kind: 'weight', weight: 50 },
      { kind: 'analysis' },
      { kind: 'pause', seconds: 60 },
    ]);
  });

  it('holds a pinned weight after its gate, and weight 0 without one', () => {
    assert.deepEqual(canarySteps({ weights: [10, 50], pauseSeconds: 60, pin: 25 }), [
      { kind: 'weight', weight: 25 },
      { kind: 'analysis' },
      { kind: 'pause' },
    ]);
    assert.deepEqual(canarySteps({ weights: [10], pauseSeconds: 60, pin: 0 }), [
      { kind: 'weight', weight: 0 },
      { kind: 'pause' },
    ]);
    assert.equal(canarySteps({ weights: [10, 50], pauseSeconds: 60, pin: 100 }).length, 6);
  });

  it('renders Argo steps with the analysis template and the service argument', () => {
    const strategy = canaryStrategy('web', canarySteps({ weights: [20], pauseSeconds: 30 }));
    assert.deepEqual(strategy, {
      canary: {
        stableService: 'web',
        canaryService: 'web-canary',
        maxSurge: '25%',
        maxUnavailable: 0,
        steps: [
          { setWeight: 20 },
          {
            analysis: { templates: [{ templateName: 'insitechart-gates' }], args: [{ name: 'service', value: 'web' }] },
          },
          { pause: { duration: '30s' } },
        ],
      },
    });
    assert.deepEqual(argoCanaryStep({ kind: 'pause' }, 'web'), { pause: {} });
  });
});

describe('canary progression', () => {
  const steps = canarySteps({ weights: [10, 50], pauseSeconds: 60 });

  it('promotes to 100% when every gate passes and every pause has elapsed', () => {
    const states = run(steps, [
      measured(),
      { type: 'elapsed', seconds: 30 },
      { type: 'elapsed', seconds: 30 },
      measured(),
      { type: 'elapsed', seconds: 60 },
    ]);
    assert.deepEqual(
      states.map((s) => [s.phase, s.weight]),
      [
        ['paused', 10],
        ['paused', 10],
        ['progressing', 50],
        ['paused', 50],
        ['promoted', 100],
      ],
    );
  });

  it('waits at an analysis step until a measurement arrives', () => {
    const [first] = run(steps, [{ type: 'elapsed', seconds: 600 }]);
    assert.equal(first?.phase, 'progressing');
    assert.equal(first.weight, 10);
    assert.equal(first.step, 1);
  });

  it('rolls back to weight 0 when a gate fails, naming it, and stays rolled back', () => {
    const states = run(steps, [
      measured(),
      { type: 'elapsed', seconds: 60 },
      measured({ ...healthy, latencyP99Seconds: 2, anomalyScore: 0.95 }),
      measured(),
      { type: 'resume' },
    ]);
    const last = states.at(-1);
    assert.equal(last?.phase, 'rolled-back');
    assert.equal(last.weight, 0);
    assert.equal(last.reason, 'gate failed: latency-p99, anomaly-score');
    assert.equal(states[2]?.phase, 'rolled-back');
  });

  it('treats a missing measurement (NaN) as a failed gate', () => {
    assert.deepEqual(failingGates(gates, { ...healthy, errorRate: Number.NaN }), ['error-rate']);
  });

  it('holds a pinned canary until resumed, then promotes', () => {
    const pinned = canarySteps({ weights: [10], pauseSeconds: 60, pin: 30 });
    const states = run(pinned, [measured(), { type: 'elapsed', seconds: 3600 }, { type: 'resume' }]);
    assert.deepEqual(
      states.map((s) => [s.phase, s.weight]),
      [
        ['paused', 30],
        ['paused', 30],
        ['promoted', 100],
      ],
    );
  });

  it('an abort rolls back from any step', () => {
    const states = run(steps, [measured(), { type: 'abort', reason: 'operator' }]);
    assert.deepEqual(states.at(-1), { step: 2, weight: 0, phase: 'rolled-back', waited: 0, reason: 'operator' });
  });
});

describe('blue-green progression', () => {
  it('switches after the pre-promotion gates and promotes after the post-promotion gates', () => {
    const switched = advanceBlueGreen(gates, blueGreenStart, measured());
    assert.deepEqual(switched, { phase: 'switched', active: 'new' });
    assert.deepEqual(advanceBlueGreen(gates, switched, { type: 'resume' }), switched);
    assert.deepEqual(advanceBlueGreen(gates, switched, measured()), { phase: 'promoted', active: 'new' });
  });

  it('never switches when the preview fails its gates', () => {
    const s = advanceBlueGreen(gates, blueGreenStart, measured({ ...healthy, errorRate: 0.2 }));
    assert.deepEqual(s, { phase: 'rolled-back', active: 'old', reason: 'gate failed before the switch: error-rate' });
  });

  it('switches back to the old version when a gate fails after the switch', () => {
    const switched = advanceBlueGreen(gates, blueGreenStart, measured());
    const s = advanceBlueGreen(gates, switched, measured({ ...healthy, anomalyScore: 0.9 }));
    assert.equal(s.active, 'old');
    assert.equal(s.reason, 'gate failed after the switch: anomaly-score');
    assert.deepEqual(advanceBlueGreen(gates, s, measured()), s);
  });
});
