import { tf, tfReady } from '../tf/index.ts';
import { eventScores, sampleScores, type EventScores, type SampleScores } from './evaluate.ts';
import { FEATURE_HISTORY, FEATURE_NAMES, labelledSamples } from './features.ts';
import { buildNetwork, precursorPredictor, standardise, standardiser, type PrecursorWeights } from './precursor.ts';
import { createRandom } from './random.ts';
import { runLength, type TelemetryRun } from './telemetry.ts';

export interface TrainPrecursorOptions {
  readonly horizonSteps?: number;
  readonly epochs?: number;
  readonly hidden?: readonly number[];
  readonly seed?: number;
  /** Share of runs held out for the reported metrics (default 0.25), and of the rest for the threshold (0.2). */
  readonly testShare?: number;
  readonly validationShare?: number;
  readonly onEpoch?: (epoch: number, epochs: number, loss: number) => void;
  /** Share of positives after repeating them (default 0.1). */
  readonly positiveShare?: number;
}

export interface TrainedPrecursor {
  readonly weights: PrecursorWeights;
  readonly test: { readonly samples: SampleScores; readonly events: EventScores };
  readonly validation: { readonly events: EventScores };
  readonly summary: Readonly<Record<string, number>>;
  /** Test-run probabilities per scored step, for inspection and figures. */
  readonly testScores: readonly {
    readonly run: TelemetryRun;
    readonly steps: readonly number[];
    readonly p: Float32Array;
  }[];
}

/**
 * Trains the precursor network on labelled runs. Runs (not samples) are split into train, validation
 * and held-out test sets, so neighbouring, near-identical samples never straddle the split. Positives
 * are rare: they are repeated to about a tenth of the training set. The alert threshold is the one
 * with the best event-level F1 on the validation runs; the reported figures are on the test runs only.
 */
export async function trainPrecursor(
  runs: readonly TelemetryRun[],
  options: TrainPrecursorOptions = {},
): Promise<TrainedPrecursor> {
  const horizonSteps = options.horizonSteps ?? 30;
  const epochs = options.epochs ?? 30;
  const seed = options.seed ?? 1;
  const usable = runs.filter((r) => runLength(r) > FEATURE_HISTORY + horizonSteps);
  const stepMs = usable[0]?.stepMs ?? 60_000;
  if (usable.some((r) => r.stepMs !== stepMs)) throw new Error('all training runs must share one step');
  const shuffled = shuffle(usable, seed);
  const nTest = Math.max(1, Math.round(shuffled.length * (options.testShare ?? 0.25)));
  const nValidation = Math.max(1, Math.round((shuffled.length - nTest) * (options.validationShare ?? 0.2)));
  const test = shuffled.slice(0, nTest);
  const validation = shuffled.slice(nTest, nTest + nValidation);
  const train = shuffled.slice(nTest + nValidation);
  if (train.length === 0) throw new Error(`too few runs to train on (${String(usable.length)} usable)`);
  const trainSet = labelledSamples(train, horizonSteps);
  const positives = trainSet.y.reduce((s, v) => s + v, 0);
  if (positives === 0) throw new Error('the training runs contain no incidents');

  await tfReady();
  const { mean, std } = standardiser(trainSet.x);
  const share = options.positiveShare ?? 0.1;
  const repeat = Math.max(1, Math.round((share * (trainSet.y.length - positives)) / ((1 - share) * positives)));
  const xs: Float64Array[] = [];
  const ys: number[] = [];
  trainSet.x.forEach((row, i) => {
    const copies = trainSet.y[i] === 1 ? repeat : 1;
    for (let k = 0; k < copies; k++) {
      xs.push(row);
      ys.push(trainSet.y[i] ?? 0);
    }
  });
  // One seeded shuffle (instead of TF.js's unseeded one per epoch) keeps training reproducible.
  const order = shuffle(
    xs.map((_, i) => i),
    seed,
  );
  const xsShuffled = order.map((i) => xs[i] ?? new Float64Array(FEATURE_NAMES.length));
  const ysShuffled = order.map((i) => ys[i] ?? 0);
  const hidden = options.hidden ?? [24, 12];
  const model = buildNetwork(FEATURE_NAMES.length, hidden, seed);
  model.compile({ optimizer: tf.train.adam(0.003), loss: 'binaryCrossentropy' });
  const x = tf.tensor2d(standardise(xsShuffled, mean, std), [xs.length, FEATURE_NAMES.length]);
  const y = tf.tensor2d(Float32Array.from(ysShuffled), [ys.length, 1]);
  try {
    await model.fit(x, y, {
      epochs,
      batchSize: 256,
      shuffle: false,
      callbacks: { onEpochEnd: (epoch, logs) => options.onEpoch?.(epoch + 1, epochs, logs?.loss ?? Number.NaN) },
    });
  } finally {
    x.dispose();
    y.dispose();
  }
  const tensors = model.getWeights();
  const arrays = tensors.map((t) => t.arraySync());
  model.dispose();
  const layers: PrecursorWeights['layers'] = [];
  for (let i = 0; i + 1 < arrays.length; i += 2)
    layers.push({ kernel: arrays[i] as number[][], bias: arrays[i + 1] as number[] });
  const draft: PrecursorWeights = {
    featureNames: [...FEATURE_NAMES],
    mean,
    std,
    layers,
    threshold: 0.5,
    persistSteps: 1,
    horizonSteps,
    stepMs,
  };

  const predictor = await precursorPredictor(draft);
  try {
    const scoreRuns = (set: readonly TelemetryRun[]) =>
      set.map((run) => {
        const steps = labelledSamples([run], horizonSteps).origin.map((o) => o.t);
        return { run, steps, p: predictor.scoreSeries(run.channels, steps) };
      });
    const events = (scored: ReturnType<typeof scoreRuns>, threshold: number, persist: number) =>
      eventScores(
        scored.map(({ run, steps, p }) => ({
          incidents: run.incidents,
          alerts: sustainedAlerts(steps, p, threshold, persist),
        })),
        horizonSteps,
      );
    const validationScored = scoreRuns(validation);
    let threshold = 0.5;
    let persistSteps = 1;
    let best = -1;
    for (const persist of [1, 2, 3, 5]) {
      for (const th of THRESHOLDS) {
        const f1 = events(validationScored, th, persist).f1;
        if (f1 > best + 1e-12) {
          best = f1;
          threshold = th;
          persistSteps = persist;
        }
      }
    }
    const testScored = scoreRuns(test);
    const testSet = labelledSamples(test, horizonSteps);
    const testP = Float32Array.from(testScored.flatMap((s) => Array.from(s.p)));
    const samples = sampleScores(testP, testSet.y, threshold);
    const testEvents = events(testScored, threshold, persistSteps);
    return {
      weights: { ...draft, threshold, persistSteps },
      test: { samples, events: testEvents },
      validation: { events: events(validationScored, threshold, persistSteps) },
      testScores: testScored,
      summary: {
        runs: usable.length,
        trainRuns: train.length,
        validationRuns: validation.length,
        testRuns: test.length,
        trainSamples: trainSet.y.length,
        trainPositives: positives,
        horizonSteps,
        stepMs,
        epochs,
      },
    };
  } finally {
    predictor.dispose();
  }
}

/** Candidate alert thresholds, tried from the highest down (ties keep the higher one). */
const THRESHOLDS = [0.999, 0.998, 0.995, 0.99, 0.98, 0.97, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1];

/** An alert at a step when the probability has been at or above the threshold for `persist` consecutive steps. */
export function sustainedAlerts(
  steps: readonly number[],
  p: ArrayLike<number>,
  threshold: number,
  persist: number,
): Map<number, boolean> {
  const alerts = new Map<number, boolean>();
  let run = 0;
  steps.forEach((t, i) => {
    const consecutive = i > 0 && steps[i - 1] === t - 1;
    run = (p[i] ?? 0) >= threshold ? (consecutive ? run + 1 : 1) : 0;
    alerts.set(t, run >= persist);
  });
  return alerts;
}

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const rand = createRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rand.int(0, i);
    const a = out[i];
    const b = out[j];
    if (a !== undefined && b !== undefined) {
      out[i] = b;
      out[j] = a;
    }
  }
  return out;
}
