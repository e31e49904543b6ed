import { z } from 'zod';
import { tf, tfReady } from '../tf/index.ts';
import { FEATURE_HISTORY, FEATURE_KINDS, FEATURE_NAMES, featuresAt } from './features.ts';
import { CHANNELS, type Channel, type ChannelSeries } from './telemetry.ts';

/**
 * The learned precursor model: a small multilayer perceptron (TensorFlow.js) over windowed telemetry
 * features that gives the probability of an incident starting within the horizon. Weights are stored as
 * plain JSON (with the feature standardisation and the alert threshold chosen on validation runs), so a
 * saved model is readable and independent of TF.js's own file formats.
 */
export const PRECURSOR_FORMAT = 'precursor-mlp/v1';

export const precursorWeightsSchema = z.object({
  featureNames: z.array(z.string()),
  mean: z.array(z.number()),
  std: z.array(z.number().positive()),
  layers: z.array(z.object({ kernel: z.array(z.array(z.number())), bias: z.array(z.number()) })).min(1),
  threshold: z.number().min(0).max(1),
  /** Consecutive steps at or above the threshold before an alert (a "for" clause against one-step blips). */
  persistSteps: z.number().int().min(1).max(30),
  horizonSteps: z.number().int().positive(),
  stepMs: z.number().int().positive(),
});
export type PrecursorWeights = z.infer<typeof precursorWeightsSchema>;

export interface PrecursorPrediction {
  /** Probability of an incident within `horizonMs`. */
  readonly probability: number;
  readonly alert: boolean;
  readonly horizonMs: number;
  /** Channels whose features raise the probability most (occlusion: each replaced by its typical value). */
  readonly drivers: readonly { readonly channel: Channel; readonly effect: number }[];
}

export interface PrecursorPredictor {
  readonly stepMs: number;
  readonly horizonMs: number;
  readonly threshold: number;
  readonly persistSteps: number;
  /** Samples per channel `predict` needs (the most recent ones are used). */
  readonly historySteps: number;
  /** Probability for each instant `t` of the series (NaN where history is too short). */
  readonly scoreSeries: (channels: ChannelSeries, steps: readonly number[]) => Float32Array;
  /** Judges the most recent instant of `recent` (channels sampled every `stepMs`, oldest first). */
  readonly predict: (recent: ChannelSeries) => PrecursorPrediction | undefined;
  readonly dispose: () => void;
}

/** Feature standardisation from training data; missing values (absent channels) are skipped. */
export function standardiser(x: readonly Float64Array[]): { mean: number[]; std: number[] } {
  const width = FEATURE_NAMES.length;
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(1);
  for (let j = 0; j < width; j++) {
    let sum = 0;
    let sq = 0;
    let n = 0;
    for (const row of x) {
      const v = row[j] ?? Number.NaN;
      if (!Number.isFinite(v)) continue;
      sum += v;
      sq += v * v;
      n++;
    }
    if (n === 0) continue;
    const m = sum / n;
    mean[j] = m;
    std[j] = Math.max(1e-6, Math.sqrt(Math.max(0, sq / n - m * m)));
  }
  return { mean, std };
}

/** Standardised rows as one flat Float32Array; a missing value becomes 0 (the training mean). */
export function standardise(x: readonly Float64Array[], mean: readonly number[], std: readonly number[]): Float32Array {
  const width = mean.length;
  const out = new Float32Array(x.length * width);
  x.forEach((row, i) => {
    for (let j = 0; j < width; j++) {
      const v = ((row[j] ?? Number.NaN) - (mean[j] ?? 0)) / (std[j] ?? 1);
      out[i * width + j] = Number.isFinite(v) ? Math.max(-10, Math.min(10, v)) : 0;
    }
  });
  return out;
}

export function buildNetwork(inputs: number, hidden: readonly number[], seed: number): tf.Sequential {
  const model = tf.sequential();
  hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
        kernelRegularizer: tf.regularizers.l2({ l2: 1e-4 }),
        ...(i === 0 ? { inputShape: [inputs] } : {}),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 99 }),
      ...(hidden.length === 0 ? { inputShape: [inputs] } : {}),
    }),
  );
  return model;
}

/** Rebuilds a saved model for inference. */
export async function precursorPredictor(weights: PrecursorWeights): Promise<PrecursorPredictor> {
  await tfReady();
  if (weights.featureNames.join() !== FEATURE_NAMES.join())
    throw new Error('saved precursor model was trained on other features');
  const hidden = weights.layers.slice(0, -1).map((l) => l.bias.length);
  const model = buildNetwork(FEATURE_NAMES.length, hidden, 0);
  model.setWeights(weights.layers.flatMap((l) => [tf.tensor2d(l.kernel), tf.tensor1d(l.bias)]));
  const run = (rows: readonly Float64Array[]): Float32Array =>
    tf.tidy(() => {
      const input = tf.tensor2d(standardise(rows, weights.mean, weights.std), [rows.length, FEATURE_NAMES.length]);
      return (model.predict(input) as tf.Tensor).dataSync() as Float32Array;
    });
  return {
    stepMs: weights.stepMs,
    horizonMs: weights.horizonSteps * weights.stepMs,
    threshold: weights.threshold,
    persistSteps: weights.persistSteps,
    historySteps: FEATURE_HISTORY + weights.persistSteps - 1,
    scoreSeries(channels, steps) {
      const rows = steps.map((t) => featuresAt(channels, t));
      return rows.length > 0 ? run(rows) : new Float32Array(0);
    },
    predict(recent) {
      const length = Math.max(0, ...Object.values(recent).map((v) => v.length));
      const persist = weights.persistSteps;
      if (length < FEATURE_HISTORY + persist - 1) return undefined;
      const row = featuresAt(recent, length - 1);
      // The latest row, one copy per channel with that channel's features blanked, then the rows of the
      // previous steps the persistence rule looks at.
      const earlier = Array.from({ length: persist - 1 }, (_, k) => featuresAt(recent, length - 2 - k));
      const rows = [row, ...CHANNELS.map((_, c) => blank(row, c)), ...earlier];
      const scores = run(rows);
      const probability = scores[0] ?? 0;
      const drivers = CHANNELS.map((channel, c) => ({ channel, effect: probability - (scores[c + 1] ?? probability) }))
        .filter((d) => d.effect > 0.01)
        .sort((a, b) => b.effect - a.effect);
      const sustained = Array.from(scores.subarray(CHANNELS.length + 1)).every((p) => p >= weights.threshold);
      return {
        probability,
        alert: probability >= weights.threshold && sustained,
        horizonMs: weights.horizonSteps * weights.stepMs,
        drivers,
      };
    },
    dispose: () => {
      model.dispose();
    },
  };
}

function blank(row: Float64Array, channel: number): Float64Array {
  const copy = Float64Array.from(row);
  copy.fill(Number.NaN, channel * FEATURE_KINDS.length, (channel + 1) * FEATURE_KINDS.length);
  return copy;
}
