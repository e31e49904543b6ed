import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tfReady } from '../tf/index.ts';
import { createModelStore } from '../models/index.ts';
import {
  LearnedForecaster,
  loadForecaster,
  normaliseWindow,
  saveForecaster,
  trainFamilyForecaster,
  trainingPairs,
} from './learned.ts';

const wave = (t: number): number => 500 + 100 * Math.sin((2 * Math.PI * t) / 40) + 30 * Math.sin((2 * Math.PI * t) / 7);

test('window normalisation is scale-free', () => {
  const a = normaliseWindow([1, 2, 3, 4]);
  const b = normaliseWindow([1000, 2000, 3000, 4000]);
  assert.deepEqual(Array.from(a.input), Array.from(b.input));
  assert.equal(b.mean, 2500);
});

test('training lowers the loss and the forecaster beats the last-value forecast on a periodic series', async () => {
  await tfReady();
  const history = Array.from({ length: 800 }, (_, t) => wave(t));
  const { inputs, targets } = trainingPairs(history, 16);
  const model = new LearnedForecaster({ epochs: 1 });
  assert.equal(model.trained, false);
  const first = model.fitSync(inputs, targets);
  const epochs: number[] = [];
  const last = await model.fit(inputs, targets, (epoch) => epochs.push(epoch));
  assert.ok(last < first, `loss ${String(last)} not below ${String(first)}`);
  assert.deepEqual(epochs, [1]);
  model.fitSync(inputs, targets, 40);

  const windows = Array.from({ length: 100 }, (_, i) => Array.from({ length: 16 }, (_, k) => wave(900 + i + k)));
  const forecasts = model.predict(windows);
  let learnedError = 0;
  let naiveError = 0;
  for (const [i, w] of windows.entries()) {
    const actual = wave(900 + i + 16);
    learnedError += Math.abs((forecasts[i] ?? 0) - actual);
    naiveError += Math.abs((w[15] ?? 0) - actual);
  }
  assert.ok(learnedError < 0.5 * naiveError, `learned ${String(learnedError)} vs naive ${String(naiveError)}`);
  // Batched and one-by-one inference agree.
  assert.ok(Math.abs((model.predict([windows[3] ?? []])[0] ?? 0) - (forecasts[3] ?? 0)) < 1e-3);
  model.dispose();
});

test('a saved forecaster reloads with the same forecasts, as a new version each time', async () => {
  await tfReady();
  const dir = await mkdtemp(join(tmpdir(), 'learned-'));
  try {
    const store = createModelStore(dir);
    assert.equal(await loadForecaster(store, 'cpu'), undefined);
    const { inputs, targets } = trainingPairs(
      Array.from({ length: 200 }, (_, t) => wave(t)),
      16,
    );
    const model = new LearnedForecaster({ epochs: 3 });
    const loss = model.fitSync(inputs, targets);
    assert.equal(await saveForecaster(store, 'cpu', model, { samples: inputs.length, loss }), 1);
    assert.equal(await saveForecaster(store, 'cpu', model, { samples: inputs.length, loss }), 2);
    const loaded = await loadForecaster(store, 'cpu');
    assert.ok(loaded?.trained);
    const window = [Array.from({ length: 16 }, (_, k) => wave(300 + k))];
    assert.ok(Math.abs((loaded.predict(window)[0] ?? 0) - (model.predict(window)[0] ?? 0)) < 1e-4);
    assert.throws(() => LearnedForecaster.fromJSON({ lags: 16, hidden: 24, tensors: [] }));
    model.dispose();
    loaded.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the combined detector with a self-trained learned view still finds a level shift, naming the views', async () => {
  await tfReady();
  const { createAnomalyDetector } = await import('./index.ts');
  const detector = createAnomalyDetector({ warmup: 300, learned: 'self' });
  const verdicts = Array.from({ length: 700 }, (_, t) =>
    detector.update({ ts: t * 300_000, value: wave(t) + (t >= 500 ? 400 : 0) }),
  );
  const alarms = verdicts.flatMap((v, t) => (v.score >= 0.5 ? [t] : []));
  assert.ok(alarms.includes(500), `alarms: ${alarms.join(',')}`);
  assert.ok(alarms.filter((t) => t < 500).length <= 1, `alarms: ${alarms.join(',')}`);
  assert.ok(verdicts[500]?.fired.includes('level'));
});

test('a family model trains on several series of different scales, is saved, and forecasts each of them', async () => {
  await tfReady();
  const dir = await mkdtemp(join(tmpdir(), 'family-'));
  try {
    const store = createModelStore(dir);
    const scales = [1, 50, 3000];
    const series = scales.map((k) => Array.from({ length: 300 }, (_, t) => k * wave(t + k)));
    const epochs: number[] = [];
    const result = await trainFamilyForecaster(store, 'requests', series, {
      epochs: 25,
      maxSamples: 600,
      onEpoch: (e) => epochs.push(e),
    });
    assert.equal(result.version, 1);
    assert.equal(epochs.length, 25);
    assert.ok(result.samples <= 600 && result.samples > 500);
    for (const k of scales) {
      const window = Array.from({ length: 16 }, (_, i) => k * wave(400 + i));
      const actual = k * wave(416);
      const error = Math.abs((result.model.predict([window])[0] ?? 0) - actual);
      assert.ok(error < Math.abs((window[15] ?? 0) - actual), `scale ${String(k)}: error ${String(error)}`);
    }
    await assert.rejects(trainFamilyForecaster(store, 'empty', [[1, 2, 3]]), RangeError);
    result.model.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
