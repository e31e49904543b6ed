/**
 * The learned detector's model: a small MLP on TensorFlow.js that forecasts the next value of a series
 * from its last `lags` values. Windows are normalised by their own mean and spread, so one model serves
 * a whole family of series (say every `http_request_rate`) whatever their level and units. Training
 * runs off the hot path (`fit` yields to the event loop between epochs); inference is batched
 * (`predict` takes many windows at once), one synchronous call for a whole tick of series.
 */
import { z } from 'zod';
import { tf } from '../tf/index.ts';
import type { ModelStore } from '../models/index.ts';

export interface ForecasterOptions {
  readonly lags: number;
  readonly hidden: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
}

export const DEFAULT_FORECASTER: ForecasterOptions = {
  lags: 16,
  hidden: 24,
  epochs: 30,
  batchSize: 64,
  learningRate: 0.01,
  seed: 7,
};

/** A window and the value that followed it, in the window's own normalised units. */
export interface Normalised {
  readonly input: Float32Array;
  readonly mean: number;
  readonly spread: number;
}

const SPREAD_FLOOR = 1e-6;

export function normaliseWindow(values: ArrayLike<number>): Normalised {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] ?? 0;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += ((values[i] ?? 0) - mean) ** 2;
  const spread = Math.max(Math.sqrt(variance / n), SPREAD_FLOOR * Math.max(1, Math.abs(mean)));
  const input = new Float32Array(n);
  for (let i = 0; i < n; i++) input[i] = ((values[i] ?? 0) - mean) / spread;
  return { input, mean, spread };
}

/** Sliding windows over a series: inputs of `lags` values and the next value as target. */
export function trainingPairs(series: ArrayLike<number>, lags: number): { inputs: Float32Array[]; targets: number[] } {
  const inputs: Float32Array[] = [];
  const targets: number[] = [];
  for (let end = lags; end < series.length; end++) {
    const window = Array.from({ length: lags }, (_, i) => series[end - lags + i] ?? 0);
    const { input, mean, spread } = normaliseWindow(window);
    inputs.push(input);
    // Clipped so that one outlier in the training data cannot dominate the squared loss.
    targets.push(Math.max(-10, Math.min(10, ((series[end] ?? 0) - mean) / spread)));
  }
  return { inputs, targets };
}

const weightsSchema = z.object({
  lags: z.number().int().positive(),
  hidden: z.number().int().positive(),
  tensors: z.array(z.object({ shape: z.array(z.number().int().nonnegative()), values: z.array(z.number()) })).length(4),
});

export class LearnedForecaster {
  readonly options: ForecasterOptions;
  private readonly variables: tf.Variable[];
  private samplesSeen = 0;

  constructor(options: Partial<ForecasterOptions> = {}) {
    this.options = { ...DEFAULT_FORECASTER, ...options };
    const { lags, hidden, seed } = this.options;
    this.variables = tf.tidy(() => [
      tf.variable(tf.randomNormal([lags, hidden], 0, Math.sqrt(2 / lags), 'float32', seed)),
      tf.variable(tf.zeros([hidden])),
      tf.variable(tf.randomNormal([hidden, 1], 0, Math.sqrt(1 / hidden), 'float32', seed + 1)),
      tf.variable(tf.zeros([1])),
    ]);
  }

  get trained(): boolean {
    return this.samplesSeen > 0;
  }

  /** One synchronous pass of mini-batch Adam over the pairs per epoch; returns the last epoch's mean loss. */
  fitSync(inputs: readonly Float32Array[], targets: readonly number[], epochs = this.options.epochs): number {
    let loss = Number.NaN;
    for (let e = 0; e < epochs; e++) loss = this.epoch(inputs, targets, e);
    return loss;
  }

  /** Like fitSync, but gives the event loop back between epochs: the way to train next to live traffic. */
  async fit(
    inputs: readonly Float32Array[],
    targets: readonly number[],
    onEpoch?: (epoch: number, loss: number) => void,
  ): Promise<number> {
    let loss = Number.NaN;
    for (let e = 0; e < this.options.epochs; e++) {
      loss = this.epoch(inputs, targets, e);
      onEpoch?.(e + 1, loss);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return loss;
  }

  /** Normalised forecasts for many windows at once (one tensor op chain, one read back). */
  predictNormalised(inputs: readonly Float32Array[]): Float32Array {
    if (inputs.length === 0) return new Float32Array(0);
    const flat = new Float32Array(inputs.length * this.options.lags);
    for (const [i, input] of inputs.entries()) flat.set(input, i * this.options.lags);
    return tf.tidy(
      () => this.forward(tf.tensor2d(flat, [inputs.length, this.options.lags])).dataSync() as Float32Array,
    );
  }

  /** Forecasts of the next raw value after each window of `lags` raw values. */
  predict(windows: readonly ArrayLike<number>[]): Float64Array {
    const normalised = windows.map(normaliseWindow);
    const out = this.predictNormalised(normalised.map((n) => n.input));
    return Float64Array.from(normalised, (n, i) => n.mean + n.spread * (out[i] ?? 0));
  }

  toJSON(): z.infer<typeof weightsSchema> {
    return {
      lags: this.options.lags,
      hidden: this.options.hidden,
      tensors: this.variables.map((v) => ({ shape: v.shape, values: Array.from(v.dataSync()) })),
    };
  }

  static fromJSON(json: unknown, options: Partial<ForecasterOptions> = {}): LearnedForecaster {
    const parsed = weightsSchema.parse(json);
    const model = new LearnedForecaster({ ...options, lags: parsed.lags, hidden: parsed.hidden });
    for (const [i, t] of parsed.tensors.entries()) {
      const variable = model.variables[i];
      if (variable === undefined || variable.shape.join() !== t.shape.join())
        throw new Error('weights do not fit the model');
      variable.assign(tf.tensor(t.values, t.shape));
    }
    model.samplesSeen = 1;
    return model;
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }

  private forward(x: tf.Tensor2D): tf.Tensor {
    const [w1, b1, w2, b2] = this.variables as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    return tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2).reshape([-1]);
  }

  private optimizer: tf.Optimizer | undefined;

  private epoch(inputs: readonly Float32Array[], targets: readonly number[], epoch: number): number {
    const { lags, batchSize, learningRate, seed } = this.options;
    this.optimizer ??= tf.train.adam(learningRate);
    const optimizer = this.optimizer;
    // A seeded shuffle: the same data trains the same model.
    const order = inputs.map((_, i) => i);
    let state = (seed * 7919 + epoch * 104_729) >>> 0;
    for (let i = order.length - 1; i > 0; i--) {
      state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
      const j = state % (i + 1);
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    let total = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      const flat = new Float32Array(batch.length * lags);
      for (const [k, i] of batch.entries()) flat.set(inputs[i] ?? new Float32Array(lags), k * lags);
      const y = Float32Array.from(batch, (i) => targets[i] ?? 0);
      const loss = tf.tidy(() => {
        const x = tf.tensor2d(flat, [batch.length, lags]);
        const t = tf.tensor1d(y);
        const cost = optimizer.minimize(
          () => tf.losses.huberLoss<tf.Tensor, tf.Scalar>(t, this.forward(x)),
          true,
          this.variables,
        );
        return cost?.dataSync()[0] ?? Number.NaN;
      });
      total += loss * batch.length;
    }
    this.samplesSeen += inputs.length;
    return total / Math.max(1, inputs.length);
  }
}

/** Saves a forecaster as a new version of `name` in the model store (weights as JSON). */
export async function saveForecaster(
  store: ModelStore,
  name: string,
  model: LearnedForecaster,
  summary: { readonly samples: number; readonly loss: number },
): Promise<number> {
  const manifest = await store.save(name, {
    format: 'insitechart-mlp-forecaster/1',
    trainingData: { samples: summary.samples, lags: model.options.lags },
    metrics: { huberLoss: summary.loss },
    files: { 'weights.json': JSON.stringify(model.toJSON()) },
  });
  return manifest.version;
}

/** The newest saved forecaster of `name`, or undefined when none was saved yet. */
export async function loadForecaster(store: ModelStore, name: string): Promise<LearnedForecaster | undefined> {
  const stored = await store.latest(name);
  if (stored === undefined) return undefined;
  return LearnedForecaster.fromJSON(JSON.parse((await stored.read('weights.json')).toString('utf8')));
}

/** The model-store name of a family's forecaster: `forecaster-` and the metric name, made store-safe. */
export function familyModelName(family: string): string {
  return `forecaster-${family
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '_')
    .slice(0, 52)}`;
}

/**
 * Trains one forecaster for a family of series (every series of one metric, say) and saves it as the
 * family's next model version: what a training command or a periodic job runs, off the hot path.
 * At most `maxSamples` windows are used, taken evenly from every series.
 */
export async function trainFamilyForecaster(
  store: ModelStore,
  family: string,
  series: readonly (readonly number[])[],
  options: Partial<ForecasterOptions> & {
    readonly maxSamples?: number;
    readonly onEpoch?: (epoch: number, loss: number) => void;
  } = {},
): Promise<{
  readonly model: LearnedForecaster;
  readonly version: number;
  readonly samples: number;
  readonly loss: number;
}> {
  const lags = options.lags ?? DEFAULT_FORECASTER.lags;
  const perSeries = Math.max(1, Math.floor((options.maxSamples ?? 20_000) / Math.max(1, series.length)));
  const inputs: Float32Array[] = [];
  const targets: number[] = [];
  for (const values of series) {
    const pairs = trainingPairs(values.slice(-(perSeries + lags)), lags);
    inputs.push(...pairs.inputs);
    targets.push(...pairs.targets);
  }
  if (inputs.length === 0) throw new RangeError(`family ${family}: no series longer than ${String(lags)} points`);
  const model = new LearnedForecaster(options);
  const loss = await model.fit(inputs, targets, options.onEpoch);
  const version = await saveForecaster(store, family, model, { samples: inputs.length, loss });
  return { model, version, samples: inputs.length, loss };
}
