import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventScores, sampleScores } from './evaluate.ts';
import { FEATURE_HISTORY, FEATURE_NAMES, featuresAt, labelledSamples } from './features.ts';
import { loadPrecursor, savePrecursor } from './precursor-store.ts';
import { simulateRuns } from './simulator.ts';
import { sustainedAlerts, trainPrecursor } from './train-precursor.ts';
import { telemetryRunSchema } from './telemetry.ts';

test('the simulator is reproducible, labels its incidents and shows build-ups before them', () => {
  const a = simulateRuns(30, 5);
  const b = simulateRuns(30, 5);
  assert.deepEqual(a, b);
  const leak = a.find((r) => r.incidents[0]?.kind === 'memory-leak');
  assert.ok(leak, 'some run has a memory leak');
  const onset = leak.incidents[0]!.start;
  const memory = leak.channels.memory!;
  assert.ok(memory[onset - 1]! > memory[onset - 40]! + 0.2, 'memory climbs before the outage');
  assert.ok(leak.channels.error_ratio![onset + 1]! > 0.05, 'the outage shows in the error ratio');
  assert.ok(
    a.some((r) => r.incidents.length === 0),
    'some runs are healthy',
  );
  for (const run of a) assert.equal(telemetryRunSchema.safeParse(run).success, true);
});

test('features: one per channel and kind, NaN for absent channels, slope follows a ramp', () => {
  const ramp = Array.from({ length: 120 }, (_, i) => 0.2 + 0.005 * i);
  const f = featuresAt({ memory: ramp }, 119);
  assert.equal(f.length, FEATURE_NAMES.length);
  const at = (name: string) => f[FEATURE_NAMES.indexOf(name)]!;
  assert.ok(Math.abs(at('memory.slope') - 0.15) < 1e-9);
  assert.ok(at('memory.delta') > 0.2);
  assert.ok(Number.isNaN(at('cpu.level')));
  assert.ok(Number.isNaN(featuresAt({ memory: ramp }, FEATURE_HISTORY - 2)[0]!));
});

test('labels: positive within the horizon before an onset, nothing during or right after an incident', () => {
  const n = 400;
  const run = {
    id: 'r',
    stepMs: 60_000,
    channels: { cpu: Array.from({ length: n }, () => 0.5) },
    incidents: [{ start: 200, end: 210, kind: 'x' }],
  };
  const samples = labelledSamples([run], 30);
  const labelAt = (t: number) => samples.y[samples.origin.findIndex((o) => o.t === t)];
  assert.equal(labelAt(169), 0);
  assert.equal(labelAt(170), 1);
  assert.equal(labelAt(199), 1);
  assert.equal(labelAt(205), undefined);
  assert.equal(labelAt(210 + FEATURE_HISTORY), undefined);
  assert.equal(labelAt(211 + FEATURE_HISTORY), 0);
});

test('event scores: predicted incidents, true and false alert episodes, lead time', () => {
  const alerts = new Map<number, boolean>();
  for (let t = 0; t < 300; t++) alerts.set(t, (t >= 80 && t <= 82) || (t >= 180 && t <= 195));
  const scores = eventScores(
    [
      {
        incidents: [
          { start: 200, end: 210, kind: 'x' },
          { start: 290, end: 299, kind: 'y' },
        ],
        alerts,
      },
    ],
    30,
  );
  assert.equal(scores.incidents, 2);
  assert.equal(scores.predicted, 1);
  assert.equal(scores.alertEpisodes, 2);
  assert.equal(scores.trueEpisodes, 1);
  assert.equal(scores.medianLeadSteps, 20);
  const s = sampleScores([0.9, 0.2, 0.8, 0.1], [1, 1, 0, 0], 0.5);
  assert.deepEqual([s.precision, s.recall, s.accuracy], [0.5, 0.5, 0.5]);
  assert.deepEqual(
    [...sustainedAlerts([1, 2, 3, 5, 6], [0.9, 0.9, 0.9, 0.9, 0.9], 0.5, 2).values()],
    [false, true, true, false, true],
  );
});

test('trains on simulated runs, ranks held-out precursors above normal operation, saves and reloads', async () => {
  const runs = simulateRuns(48, 11, { steps: 420 });
  const trained = await trainPrecursor(runs, { epochs: 4, hidden: [16], seed: 3 });
  // Ranking quality on the held-out runs (AUC), robust to the threshold and to training noise.
  const pos: number[] = [];
  const neg: number[] = [];
  for (const { run, steps, p } of trained.testScores) {
    const labels = labelledSamples([run], 30).y;
    steps.forEach((_, i) => (labels[i] === 1 ? pos : neg).push(p[i]!));
  }
  let wins = 0;
  for (const a of pos) for (const b of neg) wins += a > b ? 1 : a === b ? 0.5 : 0;
  const auc = wins / (pos.length * neg.length);
  assert.ok(auc > 0.75, `held-out AUC ${String(auc)}`);
  assert.ok(trained.test.events.incidents > 0);
  assert.equal(trained.summary.testRuns, 12);

  const dir = await mkdtemp(join(tmpdir(), 'precursor-'));
  try {
    const manifest = await savePrecursor(dir, trained, 'test');
    assert.equal(manifest.version, 1);
    assert.equal(manifest.metrics.testEventRecall, trained.test.events.recall);
    const loaded = await loadPrecursor(dir);
    assert.ok(loaded);
    const { run, steps, p } = trained.testScores.find((s) => s.run.incidents.length > 0)!;
    const again = loaded.predictor.scoreSeries(run.channels, steps);
    steps.forEach((_, i) => {
      assert.ok(Math.abs(again[i]! - p[i]!) < 1e-5);
    });
    const onset = run.incidents[0]!.start;
    const recent = Object.fromEntries(Object.entries(run.channels).map(([k, v]) => [k, v.slice(0, onset)]));
    const prediction = loaded.predictor.predict(recent);
    assert.ok(prediction);
    assert.equal(prediction.horizonMs, 30 * 60_000);
    assert.ok(prediction.probability >= 0 && prediction.probability <= 1);
    assert.equal(loaded.predictor.predict({ cpu: [0.5, 0.5] }), undefined);
    loaded.predictor.dispose();
    assert.equal(await loadPrecursor(join(dir, 'empty')), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
